#include "rtc/sdp/media_attributes.hpp"

#include "rtc/sdp/text_scan.hpp"

namespace webvox::rtc::sdp {
namespace {

constexpr std::uint64_t kMaxPayloadType = 127;
constexpr std::uint64_t kMaxExtmapId = 255;
constexpr std::size_t kMaxMsidIdLength = 64;
constexpr std::size_t kMinUfragLength = 4;
constexpr std::size_t kMinPwdLength = 22;
constexpr std::size_t kMaxIceCredentialLength = 256;

std::optional<std::uint8_t> parse_payload_type(std::string_view text) {
  const auto value = parse_decimal(text, kMaxPayloadType);
  if (!value) return std::nullopt;
  return static_cast<std::uint8_t>(*value);
}

std::optional<std::uint32_t> parse_ssrc_value(std::string_view text) {
  const auto value = parse_decimal(text, 0xFFFFFFFFu);
  if (!value) return std::nullopt;
  return static_cast<std::uint32_t>(*value);
}

// Splits "<first> <rest>" at the first space; rest keeps its inner spaces.
std::pair<std::string_view, std::string_view> split_first_word(std::string_view text) {
  const auto space = text.find(' ');
  if (space == std::string_view::npos) return {text, {}};
  return {text.substr(0, space), trim_spaces(text.substr(space + 1))};
}

bool is_ice_credential(std::string_view text, std::size_t minimum) {
  if (text.size() < minimum || text.size() > kMaxIceCredentialLength) return false;
  for (const char c : text) {
    const bool ice_char = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '+' || c == '/';
    if (!ice_char) return false;
  }
  return true;
}

bool is_printable(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return false;
  }
  return true;
}

}  // namespace

std::optional<Direction> parse_direction(std::string_view name) {
  if (name == "sendrecv") return Direction::SendRecv;
  if (name == "sendonly") return Direction::SendOnly;
  if (name == "recvonly") return Direction::RecvOnly;
  if (name == "inactive") return Direction::Inactive;
  return std::nullopt;
}

std::optional<SetupRole> parse_setup_role(std::string_view value) {
  if (value == "actpass") return SetupRole::ActPass;
  if (value == "active") return SetupRole::Active;
  if (value == "passive") return SetupRole::Passive;
  if (value == "holdconn") return SetupRole::HoldConn;
  return std::nullopt;
}

std::optional<Rtpmap> parse_rtpmap(std::string_view value) {
  const auto words = split_words(value);
  if (words.size() != 2) return std::nullopt;
  Rtpmap rtpmap;
  const auto payload_type = parse_payload_type(words[0]);
  if (!payload_type) return std::nullopt;
  rtpmap.payload_type = *payload_type;

  const auto encoding = words[1];
  const auto first_slash = encoding.find('/');
  if (first_slash == std::string_view::npos) return std::nullopt;
  rtpmap.encoding_name = std::string(encoding.substr(0, first_slash));
  if (!is_token(rtpmap.encoding_name) || rtpmap.encoding_name.find('/') != std::string::npos) {
    return std::nullopt;
  }
  const auto rest = encoding.substr(first_slash + 1);
  const auto second_slash = rest.find('/');
  const auto clock_rate = parse_decimal(rest.substr(0, second_slash), 0xFFFFFFFFu);
  if (!clock_rate || *clock_rate == 0) return std::nullopt;
  rtpmap.clock_rate = static_cast<std::uint32_t>(*clock_rate);
  if (second_slash != std::string_view::npos) {
    const auto channels = parse_decimal(rest.substr(second_slash + 1), 255);
    if (!channels || *channels == 0) return std::nullopt;
    rtpmap.channels = static_cast<std::uint32_t>(*channels);
  }
  return rtpmap;
}

std::optional<Fmtp> parse_fmtp(std::string_view value) {
  const auto [format, parameters] = split_first_word(value);
  Fmtp fmtp;
  const auto payload_type = parse_payload_type(format);
  if (!payload_type || !is_printable(parameters)) return std::nullopt;
  fmtp.payload_type = *payload_type;
  std::size_t at = 0;
  while (at <= parameters.size()) {
    auto end = parameters.find(';', at);
    if (end == std::string_view::npos) end = parameters.size();
    const auto parameter = trim_spaces(parameters.substr(at, end - at));
    if (!parameter.empty()) {
      const auto equals = parameter.find('=');
      if (equals == 0) return std::nullopt;
      if (equals == std::string_view::npos) {
        fmtp.parameters.push_back({std::string(parameter), {}});
      } else {
        fmtp.parameters.push_back({std::string(trim_spaces(parameter.substr(0, equals))),
                                   std::string(trim_spaces(parameter.substr(equals + 1)))});
      }
    }
    at = end + 1;
  }
  return fmtp;
}

std::optional<RtcpFeedback> parse_rtcp_feedback(std::string_view value) {
  const auto words = split_words(value);
  if (words.size() < 2 || words.size() > 3) return std::nullopt;
  RtcpFeedback feedback;
  if (words[0] != "*") {
    feedback.payload_type = parse_payload_type(words[0]);
    if (!feedback.payload_type) return std::nullopt;
  }
  if (!is_token(words[1])) return std::nullopt;
  feedback.type = std::string(words[1]);
  if (words.size() == 3) {
    if (!is_token(words[2])) return std::nullopt;
    feedback.parameter = std::string(words[2]);
  }
  return feedback;
}

std::optional<Extmap> parse_extmap(std::string_view value) {
  const auto [id_and_direction, rest] = split_first_word(value);
  const auto [uri, attributes] = split_first_word(rest);
  if (!is_visible(uri) || !is_printable(attributes)) return std::nullopt;
  Extmap extmap;
  const auto slash = id_and_direction.find('/');
  const auto id = parse_decimal(id_and_direction.substr(0, slash), kMaxExtmapId);
  if (!id || *id == 0) return std::nullopt;
  extmap.id = static_cast<std::uint8_t>(*id);
  if (slash != std::string_view::npos) {
    extmap.direction = parse_direction(id_and_direction.substr(slash + 1));
    if (!extmap.direction) return std::nullopt;
  }
  extmap.uri = std::string(uri);
  extmap.attributes = std::string(attributes);
  return extmap;
}

std::optional<Msid> parse_msid(std::string_view value) {
  const auto words = split_words(value);
  if (words.empty() || words.size() > 2) return std::nullopt;
  for (const auto word : words) {
    if (!is_token(word) || word.size() > kMaxMsidIdLength) return std::nullopt;
  }
  Msid msid;
  msid.stream_id = std::string(words[0]);
  if (words.size() == 2) msid.track_id = std::string(words[1]);
  return msid;
}

std::optional<SsrcAttribute> parse_ssrc(std::string_view value) {
  const auto [ssrc_text, attribute] = split_first_word(value);
  const auto ssrc = parse_ssrc_value(ssrc_text);
  if (!ssrc || attribute.empty() || !is_printable(attribute)) return std::nullopt;
  const auto pair = split_attribute(attribute);
  if (!is_token(pair.name)) return std::nullopt;
  return SsrcAttribute{*ssrc, std::string(pair.name), std::string(pair.value)};
}

std::optional<SsrcGroup> parse_ssrc_group(std::string_view value) {
  const auto words = split_words(value);
  if (words.size() < 2 || !is_token(words[0])) return std::nullopt;
  SsrcGroup group;
  group.semantics = std::string(words[0]);
  for (std::size_t i = 1; i < words.size(); ++i) {
    const auto ssrc = parse_ssrc_value(words[i]);
    if (!ssrc) return std::nullopt;
    group.ssrcs.push_back(*ssrc);
  }
  return group;
}

std::optional<Group> parse_group(std::string_view value) {
  const auto words = split_words(value);
  if (words.empty() || !is_token(words[0])) return std::nullopt;
  Group group;
  group.semantics = std::string(words[0]);
  for (std::size_t i = 1; i < words.size(); ++i) {
    if (!is_token(words[i])) return std::nullopt;
    group.mids.emplace_back(words[i]);
  }
  return group;
}

bool is_valid_ice_ufrag(std::string_view ufrag) {
  return is_ice_credential(ufrag, kMinUfragLength);
}

bool is_valid_ice_pwd(std::string_view pwd) { return is_ice_credential(pwd, kMinPwdLength); }

std::string_view to_string(Direction direction) {
  switch (direction) {
    case Direction::SendRecv:
      return "sendrecv";
    case Direction::SendOnly:
      return "sendonly";
    case Direction::RecvOnly:
      return "recvonly";
    case Direction::Inactive:
      return "inactive";
  }
  return "inactive";
}

std::string_view to_string(SetupRole role) {
  switch (role) {
    case SetupRole::ActPass:
      return "actpass";
    case SetupRole::Active:
      return "active";
    case SetupRole::Passive:
      return "passive";
    case SetupRole::HoldConn:
      return "holdconn";
  }
  return "holdconn";
}

std::string format_rtpmap(const Rtpmap& rtpmap) {
  std::string text = std::to_string(rtpmap.payload_type) + ' ' + rtpmap.encoding_name + '/' +
                     std::to_string(rtpmap.clock_rate);
  if (rtpmap.channels) text += '/' + std::to_string(*rtpmap.channels);
  return text;
}

std::string format_fmtp(const Fmtp& fmtp) {
  std::string text = std::to_string(fmtp.payload_type) + ' ';
  for (std::size_t i = 0; i < fmtp.parameters.size(); ++i) {
    if (i != 0) text += ';';
    text += fmtp.parameters[i].name;
    if (!fmtp.parameters[i].value.empty()) text += '=' + fmtp.parameters[i].value;
  }
  return text;
}

std::string format_extmap(const Extmap& extmap) {
  std::string text = std::to_string(extmap.id);
  if (extmap.direction) {
    text += '/';
    text += to_string(*extmap.direction);
  }
  text += ' ' + extmap.uri;
  if (!extmap.attributes.empty()) text += ' ' + extmap.attributes;
  return text;
}

}  // namespace webvox::rtc::sdp
