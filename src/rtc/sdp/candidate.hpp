// ICE candidates as SDP carries them (RFC 8839 §5.1, TCP candidates RFC 6544 §4.5).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.hpp"
#include "rtc/sdp/parse_error.hpp"

namespace webvox::rtc::sdp {

enum class CandidateTransport { Udp, Tcp };
enum class CandidateType { Host, ServerReflexive, PeerReflexive, Relayed };
enum class TcpType { Active, Passive, SimultaneousOpen };

struct CandidateExtension {
  std::string name;
  std::string value;
  friend bool operator==(const CandidateExtension&, const CandidateExtension&) = default;
};

struct Candidate {
  std::string foundation;
  std::uint16_t component = 1;
  CandidateTransport transport = CandidateTransport::Udp;
  std::uint32_t priority = 0;
  std::string address;  // IPv4, IPv6 or a hostname (browsers hide host addresses as "<uuid>.local")
  std::uint16_t port = 0;
  CandidateType type = CandidateType::Host;
  std::optional<std::string> related_address;
  std::optional<std::uint16_t> related_port;
  std::optional<TcpType> tcp_type;
  std::vector<CandidateExtension> extensions;  // everything after the known fields, in order

  friend bool operator==(const Candidate&, const Candidate&) = default;
};

// The attribute value, i.e. what follows "a=candidate:".
base::Expected<Candidate, ParseErrorCode> parse_candidate(std::string_view value);
// A trickled candidate string, with or without its "candidate:" prefix (and an "a=" before
// that): browsers trickle "candidate:<foundation> …" (RTCIceCandidate.candidate), the SL
// viewer trickles "<foundation> <component> …" without it (shared/spec/viewer-webrtc.md
// §2.4), and Janus strips the prefix when present. Spaces and line ends around it are ignored.
base::Expected<Candidate, ParseErrorCode> parse_candidate_attribute(std::string_view text);

// The attribute value in the same grammar (without "candidate:").
std::string format_candidate(const Candidate& candidate);

std::string_view to_string(CandidateTransport transport);
std::string_view to_string(CandidateType type);
std::string_view to_string(TcpType type);

}  // namespace webvox::rtc::sdp
