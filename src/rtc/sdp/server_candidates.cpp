#include "rtc/sdp/server_candidates.hpp"

namespace webvox::rtc::sdp {
namespace {

constexpr std::uint32_t kHostTypePreference = 126;  // RFC 8445 §5.1.2.2
constexpr std::uint32_t kUdpLocalPreferenceTop = 65535;
// RFC 6544 §4.2: local preference = 2^13 * direction-pref + other-pref, passive host = 4.
// This keeps every TCP candidate below every UDP one, so browsers only fall back to TCP.
constexpr std::uint32_t kTcpPassiveLocalPreferenceTop = (1u << 13) * 4 + 8191;
constexpr std::uint32_t kRtpComponent = 1;  // rtcp-mux: there is no component 2

std::uint32_t priority(std::uint32_t local_preference) {
  return (kHostTypePreference << 24) + (local_preference << 8) + (256 - kRtpComponent);
}

Candidate host_candidate(std::size_t index, CandidateTransport transport,
                         const std::string& address, std::uint16_t port,
                         std::uint32_t local_preference) {
  Candidate candidate;
  // Foundations differ by transport and base address (RFC 8445 §5.1.1.3).
  candidate.foundation =
      (transport == CandidateTransport::Udp ? "udp" : "tcp") + std::to_string(index);
  candidate.component = kRtpComponent;
  candidate.transport = transport;
  candidate.priority = priority(local_preference);
  candidate.address = address;
  candidate.port = port;
  candidate.type = CandidateType::Host;
  if (transport == CandidateTransport::Tcp) candidate.tcp_type = TcpType::Passive;
  return candidate;
}

}  // namespace

std::vector<Candidate> server_candidates(const ServerTransport& transport) {
  std::vector<Candidate> candidates;
  const auto& addresses = transport.advertised_addresses;
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    const auto preference = kUdpLocalPreferenceTop - static_cast<std::uint32_t>(i % 8192);
    candidates.push_back(
        host_candidate(i, CandidateTransport::Udp, addresses[i], transport.udp_port, preference));
  }
  if (!transport.tcp_port) return candidates;
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    const auto preference = kTcpPassiveLocalPreferenceTop - static_cast<std::uint32_t>(i % 8192);
    candidates.push_back(
        host_candidate(i, CandidateTransport::Tcp, addresses[i], *transport.tcp_port, preference));
  }
  return candidates;
}

}  // namespace webvox::rtc::sdp
