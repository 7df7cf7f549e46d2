#include "rtc/sdp/sdp_parser.hpp"

#include <algorithm>
#include <optional>

#include "rtc/sdp/text_scan.hpp"

namespace webvox::rtc::sdp {
namespace {

using MaybeError = std::optional<ParseErrorCode>;

bool has_control_character(std::string_view line) {
  for (const char c : line) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return true;
  }
  return false;
}

// "UDP/TLS/RTP/SAVPF": tokens joined by slashes.
bool is_proto(std::string_view text) {
  std::size_t at = 0;
  while (true) {
    const auto slash = text.find('/', at);
    if (!is_token(text.substr(at, slash == std::string_view::npos ? text.npos : slash - at))) {
      return false;
    }
    if (slash == std::string_view::npos) return true;
    at = slash + 1;
  }
}

std::optional<Connection> parse_connection(std::string_view value) {
  const auto words = split_words(value);
  if (words.size() != 3 || !is_token(words[0]) || !is_token(words[1]) || !is_visible(words[2])) {
    return std::nullopt;
  }
  return Connection{std::string(words[0]), std::string(words[1]), std::string(words[2])};
}

std::optional<Origin> parse_origin(std::string_view value) {
  const auto words = split_words(value);
  if (words.size() != 6 || !is_visible(words[0]) || !is_token(words[3]) || !is_token(words[4]) ||
      !is_visible(words[5])) {
    return std::nullopt;
  }
  const auto session_id = parse_decimal(words[1], UINT64_MAX);
  const auto session_version = parse_decimal(words[2], UINT64_MAX);
  if (!session_id || !session_version) return std::nullopt;
  return Origin{std::string(words[0]), *session_id,           *session_version,
                std::string(words[3]), std::string(words[4]), std::string(words[5])};
}

std::optional<Timing> parse_timing(std::string_view value) {
  const auto words = split_words(value);
  if (words.size() != 2) return std::nullopt;
  const auto start = parse_decimal(words[0], UINT64_MAX);
  const auto stop = parse_decimal(words[1], UINT64_MAX);
  if (!start || !stop) return std::nullopt;
  return Timing{*start, *stop};
}

std::optional<MediaDescription> parse_media_line(std::string_view value) {
  const auto words = split_words(value);
  if (words.size() < 4 || !is_token(words[0]) || !is_proto(words[2])) return std::nullopt;
  MediaDescription media;
  media.media = std::string(words[0]);
  const auto slash = words[1].find('/');
  const auto port = parse_decimal(words[1].substr(0, slash), 65535);
  if (!port) return std::nullopt;
  media.port = static_cast<std::uint16_t>(*port);
  if (slash != std::string_view::npos) {
    const auto count = parse_decimal(words[1].substr(slash + 1), 0xFFFFFFFFu);
    if (!count || *count == 0) return std::nullopt;
    media.port_count = static_cast<std::uint32_t>(*count);
  }
  media.proto = std::string(words[2]);
  for (std::size_t i = 3; i < words.size(); ++i) {
    if (!is_token(words[i])) return std::nullopt;
    media.formats.emplace_back(words[i]);
  }
  return media;
}

template <typename T>
MaybeError store_typed(std::optional<T> parsed, std::vector<T>& into) {
  if (!parsed) return ParseErrorCode::MalformedAttribute;
  into.push_back(std::move(*parsed));
  return std::nullopt;
}

template <typename T>
MaybeError store_once(std::optional<T> parsed, std::optional<T>& into) {
  if (!parsed) return ParseErrorCode::MalformedAttribute;
  if (into) return ParseErrorCode::DuplicateAttribute;
  into = std::move(parsed);
  return std::nullopt;
}

// One fmtp per payload type: a second line for the same type extends the first, its
// parameters overriding those of the same name (how Chromium reads the viewers' munged offer,
// which repeats the Opus fmtp with stereo=1 and the 48 kHz rates).
MaybeError store_fmtp(std::optional<Fmtp> parsed, std::vector<Fmtp>& into,
                      std::size_t max_parameters) {
  if (!parsed) return ParseErrorCode::MalformedAttribute;
  if (parsed->parameters.size() > max_parameters) return ParseErrorCode::TooManyFormatParameters;
  const auto same_type = std::find_if(into.begin(), into.end(), [&](const Fmtp& fmtp) {
    return fmtp.payload_type == parsed->payload_type;
  });
  if (same_type == into.end()) {
    into.push_back(std::move(*parsed));
    return std::nullopt;
  }
  auto& parameters = same_type->parameters;
  for (auto& parameter : parsed->parameters) {
    const auto same_name = std::find_if(parameters.begin(), parameters.end(), [&](const auto& p) {
      return equals_ignoring_case(p.name, parameter.name);
    });
    if (same_name == parameters.end()) {
      if (parameters.size() == max_parameters) return ParseErrorCode::TooManyFormatParameters;
      parameters.push_back(std::move(parameter));
    } else {
      same_name->value = std::move(parameter.value);
    }
  }
  return std::nullopt;
}

// Attributes valid at either level. nullopt in the outer optional: not one of them.
std::optional<MaybeError> apply_transport_attribute(const NameValue& attribute,
                                                    TransportAttributes& transport) {
  const auto name = attribute.name;
  const auto value = attribute.value;
  if (const auto direction = parse_direction(name)) {
    if (attribute.has_value) return ParseErrorCode::MalformedAttribute;
    return store_once(direction, transport.direction);
  }
  if (name == "extmap-allow-mixed") {
    if (attribute.has_value) return ParseErrorCode::MalformedAttribute;
    transport.extmap_allow_mixed = true;
    return MaybeError{};
  }
  if (!attribute.has_value) {
    const bool needs_value = name == "ice-ufrag" || name == "ice-pwd" || name == "ice-options" ||
                             name == "fingerprint" || name == "setup" || name == "extmap";
    if (needs_value) return ParseErrorCode::MalformedAttribute;
    return std::nullopt;
  }
  if (name == "ice-ufrag") {
    return store_once(is_valid_ice_ufrag(value) ? std::optional<std::string>(value) : std::nullopt,
                      transport.ice_ufrag);
  }
  if (name == "ice-pwd") {
    return store_once(is_valid_ice_pwd(value) ? std::optional<std::string>(value) : std::nullopt,
                      transport.ice_pwd);
  }
  if (name == "ice-options") {
    const auto words = split_words(value);
    if (words.empty()) return ParseErrorCode::MalformedAttribute;
    for (const auto word : words) {
      if (!is_token(word)) return ParseErrorCode::MalformedAttribute;
      transport.ice_options.emplace_back(word);
    }
    return MaybeError{};
  }
  if (name == "fingerprint") {
    auto fingerprint = parse_fingerprint(value);
    if (!fingerprint) return fingerprint.error();
    transport.fingerprints.push_back(std::move(*fingerprint));
    return MaybeError{};
  }
  if (name == "setup") return store_once(parse_setup_role(value), transport.setup);
  if (name == "extmap") return store_typed(parse_extmap(value), transport.extmaps);
  return std::nullopt;
}

bool is_media_only_attribute(std::string_view name) {
  for (const auto known :
       {"mid", "rtpmap", "fmtp", "rtcp-fb", "msid", "ssrc", "ssrc-group", "rtcp-mux", "rtcp-rsize",
        "bundle-only", "sctp-port", "max-message-size", "candidate"}) {
    if (name == known) return true;
  }
  return false;
}

MaybeError apply_session_attribute(const NameValue& attribute, SessionDescription& session) {
  if (auto handled = apply_transport_attribute(attribute, session.transport)) return *handled;
  const auto name = attribute.name;
  if (name == "ice-lite") {
    if (attribute.has_value) return ParseErrorCode::MalformedAttribute;
    session.ice_lite = true;
    return std::nullopt;
  }
  if (name == "group") {
    if (!attribute.has_value) return ParseErrorCode::MalformedAttribute;
    return store_typed(parse_group(attribute.value), session.groups);
  }
  if (is_media_only_attribute(name)) return ParseErrorCode::AttributeAtWrongLevel;
  session.other_attributes.push_back(
      {std::string(name), std::string(attribute.value), attribute.has_value});
  return std::nullopt;
}

MaybeError apply_media_flag(std::string_view name, MediaDescription& media, bool& handled) {
  handled = true;
  if (name == "rtcp-mux") {
    media.rtcp_mux = true;
  } else if (name == "rtcp-rsize") {
    media.rtcp_rsize = true;
  } else if (name == "bundle-only") {
    media.bundle_only = true;
  } else if (name == "end-of-candidates") {
    media.end_of_candidates = true;
  } else {
    handled = false;
  }
  return std::nullopt;
}

std::optional<std::string> parse_mid(std::string_view value) {
  // RFC 5888: a token; browsers use short numbers or names, never anything longer than this.
  constexpr std::size_t kMaxMidLength = 64;
  if (!is_token(value) || value.size() > kMaxMidLength) return std::nullopt;
  return std::string(value);
}

std::optional<std::uint16_t> parse_sctp_port(std::string_view value) {
  const auto port = parse_decimal(value, 65535);
  if (!port) return std::nullopt;
  return static_cast<std::uint16_t>(*port);
}

MaybeError apply_media_valued(const NameValue& attribute, MediaDescription& media,
                              const SdpLimits& limits, bool& handled) {
  handled = true;
  const auto name = attribute.name;
  const auto value = attribute.value;
  if (name == "mid") return store_once(parse_mid(value), media.mid);
  if (name == "rtpmap") return store_typed(parse_rtpmap(value), media.rtpmaps);
  if (name == "fmtp")
    return store_fmtp(parse_fmtp(value), media.fmtps, limits.max_format_parameters);
  if (name == "rtcp-fb") return store_typed(parse_rtcp_feedback(value), media.rtcp_feedback);
  if (name == "msid") return store_typed(parse_msid(value), media.msids);
  if (name == "ssrc") return store_typed(parse_ssrc(value), media.ssrcs);
  if (name == "ssrc-group") return store_typed(parse_ssrc_group(value), media.ssrc_groups);
  if (name == "sctp-port") return store_once(parse_sctp_port(value), media.sctp_port);
  if (name == "max-message-size") {
    return store_once(parse_decimal(value, UINT64_MAX), media.max_message_size);
  }
  if (name == "candidate") {
    auto candidate = parse_candidate(value);
    if (!candidate) return candidate.error();
    media.candidates.push_back(std::move(*candidate));
    return std::nullopt;
  }
  handled = false;
  return std::nullopt;
}

MaybeError apply_media_attribute(const NameValue& attribute, MediaDescription& media,
                                 const SdpLimits& limits) {
  if (auto handled = apply_transport_attribute(attribute, media.transport)) return *handled;
  const auto name = attribute.name;
  if (name == "ice-lite" || name == "group") return ParseErrorCode::AttributeAtWrongLevel;
  bool handled = false;
  if (!attribute.has_value) {
    if (auto error = apply_media_flag(name, media, handled); error || handled) return error;
    if (is_media_only_attribute(name)) return ParseErrorCode::MalformedAttribute;
  } else {
    if (auto error = apply_media_valued(attribute, media, limits, handled); error || handled)
      return error;
    const bool is_flag = name == "rtcp-mux" || name == "rtcp-rsize" || name == "bundle-only" ||
                         name == "end-of-candidates";
    if (is_flag) return ParseErrorCode::MalformedAttribute;
  }
  media.other_attributes.push_back(
      {std::string(name), std::string(attribute.value), attribute.has_value});
  return std::nullopt;
}

class DescriptionParser {
 public:
  explicit DescriptionParser(const SdpLimits& limits) : limits_(limits) {}

  base::Expected<SessionDescription, ParseError> parse(std::string_view text) {
    if (text.size() > limits_.max_bytes) return fail(ParseErrorCode::TooLarge, 0);
    std::size_t at = 0;
    std::size_t line_number = 0;
    while (at < text.size()) {
      // CRLF, a bare LF or a lone CR ends a line: the viewers' munging joins two lines with
      // a lone CR (shared/spec/viewer-webrtc.md, corrections 1-2), and a lone CR is a
      // line break to Chromium too.
      auto end = text.find_first_of("\r\n", at);
      if (end == std::string_view::npos) end = text.size();
      const auto line = text.substr(at, end - at);
      at = end + ((end + 1 < text.size() && text[end] == '\r' && text[end + 1] == '\n') ? 2 : 1);
      ++line_number;
      if (line_number > limits_.max_lines) return fail(ParseErrorCode::TooManyLines, 0);
      if (line.empty()) continue;  // a trailing newline, or blank lines some tools leave
      if (line.size() > limits_.max_line_bytes) {
        return fail(ParseErrorCode::LineTooLong, line_number);
      }
      if (auto error = parse_line(line)) return fail(*error, line_number);
    }
    if (auto error = check_required_lines()) return fail(*error, 0);
    return std::move(session_);
  }

 private:
  MaybeError parse_line(std::string_view line) {
    if (has_control_character(line)) return ParseErrorCode::InvalidCharacter;
    if (line.size() < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z') {
      return ParseErrorCode::MalformedLine;
    }
    const char type = line[0];
    const auto value = line.substr(2);
    if (!seen_version_ && type != 'v') return ParseErrorCode::MissingVersion;
    switch (type) {
      case 'v':
        return parse_version(value);
      case 'o':
        return parse_origin_line(value);
      case 's':
        return parse_session_name(value);
      case 't':
        return parse_timing_line(value);
      case 'c':
        return parse_connection_line(value);
      case 'm':
        return parse_media(value);
      case 'a':
        return parse_attribute(value);
      // Informational, bandwidth, time zone, key and repeat lines: nothing WebRTC needs.
      case 'i':
      case 'u':
      case 'e':
      case 'p':
      case 'b':
      case 'z':
      case 'k':
      case 'r':
        return std::nullopt;
      default:
        return ParseErrorCode::UnknownLineType;
    }
  }

  bool in_media() const { return !session_.media.empty(); }

  MaybeError parse_version(std::string_view value) {
    if (seen_version_) return ParseErrorCode::LineOutOfOrder;
    seen_version_ = true;
    if (value != "0") return ParseErrorCode::UnsupportedVersion;
    return std::nullopt;
  }

  MaybeError parse_origin_line(std::string_view value) {
    if (in_media()) return ParseErrorCode::LineOutOfOrder;
    if (seen_origin_) return ParseErrorCode::DuplicateLine;
    auto origin = parse_origin(value);
    if (!origin) return ParseErrorCode::MalformedOrigin;
    session_.origin = std::move(*origin);
    seen_origin_ = true;
    return std::nullopt;
  }

  MaybeError parse_session_name(std::string_view value) {
    if (in_media()) return ParseErrorCode::LineOutOfOrder;
    if (seen_session_name_) return ParseErrorCode::DuplicateLine;
    // RFC 8866 wants a space for "no name"; browsers write "-", some tools leave it empty.
    session_.session_name = std::string(value);
    seen_session_name_ = true;
    return std::nullopt;
  }

  MaybeError parse_timing_line(std::string_view value) {
    if (in_media()) return ParseErrorCode::LineOutOfOrder;
    auto timing = parse_timing(value);
    if (!timing) return ParseErrorCode::MalformedTiming;
    session_.timings.push_back(*timing);
    return std::nullopt;
  }

  MaybeError parse_connection_line(std::string_view value) {
    auto connection = parse_connection(value);
    if (!connection) return ParseErrorCode::MalformedConnection;
    auto& into = in_media() ? session_.media.back().connection : session_.connection;
    if (into) return ParseErrorCode::DuplicateLine;
    into = std::move(connection);
    return std::nullopt;
  }

  MaybeError parse_media(std::string_view value) {
    if (!seen_origin_ || !seen_session_name_ || session_.timings.empty()) {
      return ParseErrorCode::LineOutOfOrder;
    }
    if (session_.media.size() >= limits_.max_media_sections) {
      return ParseErrorCode::TooManyMediaSections;
    }
    auto media = parse_media_line(value);
    if (!media) return ParseErrorCode::MalformedMedia;
    session_.media.push_back(std::move(*media));
    attributes_at_level_ = 0;
    return std::nullopt;
  }

  MaybeError parse_attribute(std::string_view value) {
    if (++attributes_at_level_ > limits_.max_attributes_per_level) {
      return ParseErrorCode::TooManyAttributes;
    }
    const auto attribute = split_attribute(value);
    current_attribute_ = std::string(attribute.name.substr(0, 64));
    if (!is_token(attribute.name)) return ParseErrorCode::MalformedAttribute;
    if (in_media()) return apply_media_attribute(attribute, session_.media.back(), limits_);
    return apply_session_attribute(attribute, session_);
  }

  MaybeError check_required_lines() const {
    if (!seen_version_) return ParseErrorCode::MissingVersion;
    if (!seen_origin_) return ParseErrorCode::MissingOrigin;
    if (!seen_session_name_) return ParseErrorCode::MissingSessionName;
    if (session_.timings.empty()) return ParseErrorCode::MissingTiming;
    return std::nullopt;
  }

  base::Unexpected<ParseError> fail(ParseErrorCode code, std::size_t line) const {
    const bool about_attribute = code == ParseErrorCode::MalformedAttribute ||
                                 code == ParseErrorCode::MalformedCandidate ||
                                 code == ParseErrorCode::MalformedFingerprint ||
                                 code == ParseErrorCode::DuplicateAttribute ||
                                 code == ParseErrorCode::AttributeAtWrongLevel ||
                                 code == ParseErrorCode::TooManyFormatParameters;
    return base::unexpected(ParseError{code, line, about_attribute ? current_attribute_ : ""});
  }

  const SdpLimits& limits_;
  SessionDescription session_;
  bool seen_version_ = false;
  bool seen_origin_ = false;
  bool seen_session_name_ = false;
  std::size_t attributes_at_level_ = 0;
  std::string current_attribute_;
};

}  // namespace

base::Expected<SessionDescription, ParseError> parse_session_description(std::string_view text,
                                                                         const SdpLimits& limits) {
  return DescriptionParser(limits).parse(text);
}

}  // namespace webvox::rtc::sdp
