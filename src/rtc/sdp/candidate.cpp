#include "rtc/sdp/candidate.hpp"

#include "rtc/sdp/text_scan.hpp"

namespace webvox::rtc::sdp {
namespace {

constexpr std::size_t kMaxFoundationLength = 32;
constexpr std::size_t kMaxAddressLength = 255;

bool is_ice_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

bool is_foundation(std::string_view text) {
  if (text.empty() || text.size() > kMaxFoundationLength) return false;
  for (const char c : text) {
    if (!is_ice_char(c)) return false;
  }
  return true;
}

// IPv4, IPv6 (with an optional zone) or a DNS name: the characters those can hold.
bool is_connection_address(std::string_view text) {
  if (text.empty() || text.size() > kMaxAddressLength) return false;
  for (const char c : text) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '.' || c == ':' || c == '-' || c == '_' ||
                         c == '%';
    if (!allowed) return false;
  }
  return true;
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
  const auto port = parse_decimal(text, 65535);
  if (!port) return std::nullopt;
  return static_cast<std::uint16_t>(*port);
}

std::optional<CandidateTransport> parse_transport(std::string_view text) {
  if (equals_ignoring_case(text, "udp")) return CandidateTransport::Udp;
  if (equals_ignoring_case(text, "tcp")) return CandidateTransport::Tcp;
  return std::nullopt;
}

std::optional<CandidateType> parse_type(std::string_view text) {
  if (text == "host") return CandidateType::Host;
  if (text == "srflx") return CandidateType::ServerReflexive;
  if (text == "prflx") return CandidateType::PeerReflexive;
  if (text == "relay") return CandidateType::Relayed;
  return std::nullopt;
}

std::optional<TcpType> parse_tcp_type(std::string_view text) {
  if (text == "active") return TcpType::Active;
  if (text == "passive") return TcpType::Passive;
  if (text == "so") return TcpType::SimultaneousOpen;
  return std::nullopt;
}

// The name/value pairs after "typ <type>": raddr, rport, tcptype and any extension.
bool parse_trailing_pairs(const std::vector<std::string_view>& words, std::size_t at,
                          Candidate& candidate) {
  if ((words.size() - at) % 2 != 0) return false;
  for (; at < words.size(); at += 2) {
    const auto name = words[at];
    const auto value = words[at + 1];
    if (name == "raddr") {
      if (candidate.related_address || !is_connection_address(value)) return false;
      candidate.related_address = std::string(value);
    } else if (name == "rport") {
      if (candidate.related_port) return false;
      candidate.related_port = parse_port(value);
      if (!candidate.related_port) return false;
    } else if (name == "tcptype") {
      if (candidate.tcp_type) return false;
      candidate.tcp_type = parse_tcp_type(value);
      if (!candidate.tcp_type) return false;
    } else {
      if (!is_token(name) || !is_visible(value)) return false;
      candidate.extensions.push_back({std::string(name), std::string(value)});
    }
  }
  return true;
}

}  // namespace

base::Expected<Candidate, ParseErrorCode> parse_candidate(std::string_view value) {
  const auto fail = base::unexpected(ParseErrorCode::MalformedCandidate);
  const auto words = split_words(value);
  if (words.size() < 8 || words[6] != "typ") return fail;

  Candidate candidate;
  if (!is_foundation(words[0])) return fail;
  candidate.foundation = std::string(words[0]);

  const auto component = parse_decimal(words[1], 256);
  if (!component || *component == 0) return fail;
  candidate.component = static_cast<std::uint16_t>(*component);

  const auto transport = parse_transport(words[2]);
  if (!transport) return fail;
  candidate.transport = *transport;

  const auto priority = parse_decimal(words[3], 0xFFFFFFFFu);
  if (!priority || *priority == 0) return fail;
  candidate.priority = static_cast<std::uint32_t>(*priority);

  if (!is_connection_address(words[4])) return fail;
  candidate.address = std::string(words[4]);

  const auto port = parse_port(words[5]);
  if (!port) return fail;
  candidate.port = *port;

  const auto type = parse_type(words[7]);
  if (!type) return fail;
  candidate.type = *type;

  if (!parse_trailing_pairs(words, 8, candidate)) return fail;
  // RFC 6544 §4.5: every TCP candidate says which way it connects.
  if ((candidate.transport == CandidateTransport::Tcp) != candidate.tcp_type.has_value()) {
    return fail;
  }
  return candidate;
}

base::Expected<Candidate, ParseErrorCode> parse_candidate_attribute(std::string_view text) {
  constexpr std::string_view kAttributePrefix = "a=";
  constexpr std::string_view kPrefix = "candidate:";
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  text = trim_spaces(text);
  const bool attribute_prefix = text.substr(0, kAttributePrefix.size()) == kAttributePrefix;
  if (attribute_prefix) text.remove_prefix(kAttributePrefix.size());
  if (text.substr(0, kPrefix.size()) == kPrefix) {
    text.remove_prefix(kPrefix.size());
  } else if (attribute_prefix) {
    return base::unexpected(ParseErrorCode::MalformedCandidate);  // "a=" of some other attribute
  }
  return parse_candidate(text);
}

std::string format_candidate(const Candidate& candidate) {
  std::string text = candidate.foundation;
  text += ' ' + std::to_string(candidate.component);
  text += ' ';
  text += to_string(candidate.transport);
  text += ' ' + std::to_string(candidate.priority);
  text += ' ' + candidate.address;
  text += ' ' + std::to_string(candidate.port);
  text += " typ ";
  text += to_string(candidate.type);
  if (candidate.related_address) text += " raddr " + *candidate.related_address;
  if (candidate.related_port) text += " rport " + std::to_string(*candidate.related_port);
  if (candidate.tcp_type) {
    text += " tcptype ";
    text += to_string(*candidate.tcp_type);
  }
  for (const auto& extension : candidate.extensions) {
    text += ' ' + extension.name + ' ' + extension.value;
  }
  return text;
}

std::string_view to_string(CandidateTransport transport) {
  return transport == CandidateTransport::Udp ? "udp" : "tcp";
}

std::string_view to_string(CandidateType type) {
  switch (type) {
    case CandidateType::Host:
      return "host";
    case CandidateType::ServerReflexive:
      return "srflx";
    case CandidateType::PeerReflexive:
      return "prflx";
    case CandidateType::Relayed:
      return "relay";
  }
  return "host";
}

std::string_view to_string(TcpType type) {
  switch (type) {
    case TcpType::Active:
      return "active";
    case TcpType::Passive:
      return "passive";
    case TcpType::SimultaneousOpen:
      return "so";
  }
  return "passive";
}

}  // namespace webvox::rtc::sdp
