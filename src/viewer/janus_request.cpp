#include "viewer/janus_request.hpp"

#include <array>
#include <utility>

#include "base/json_text.hpp"
#include "viewer/janus_json.hpp"

namespace webvox::viewer {

using nlohmann::json;

namespace {

JanusVerb verb_of(std::string_view text) {
  struct Name {
    std::string_view text;
    JanusVerb verb;
  };
  static constexpr std::array<Name, 10> kNames{{
      {"create", JanusVerb::Create},
      {"attach", JanusVerb::Attach},
      {"destroy", JanusVerb::Destroy},
      {"detach", JanusVerb::Detach},
      {"message", JanusVerb::Message},
      {"trickle", JanusVerb::Trickle},
      {"keepalive", JanusVerb::Keepalive},
      {"info", JanusVerb::Info},
      {"ping", JanusVerb::Ping},
      {"list_sessions", JanusVerb::ListSessions},
  }};
  for (const auto& name : kNames) {
    if (equals_ignoring_case(text, name.text)) return name.verb;
  }
  return JanusVerb::Unknown;
}

}  // namespace

EnvelopeParse parse_janus_envelope(std::string_view body, std::size_t max_bytes) {
  if (body.size() > max_bytes) {
    return base::unexpected(
        EnvelopeError{{JanusError::InvalidJson, "JSON error: request body larger than " +
                                                    std::to_string(max_bytes) + " bytes"}});
  }
  // nlohmann parses iteratively and rejects invalid UTF-8 inside strings, so nothing that
  // reaches a reply can break its serialisation.
  auto parsed = base::parse_json_text(body);
  if (!parsed) {
    return base::unexpected(EnvelopeError{{JanusError::InvalidJson, "JSON error: not valid JSON"}});
  }
  json root = std::move(*parsed);
  if (!root.is_object()) {
    return base::unexpected(
        EnvelopeError{{JanusError::InvalidJsonObject, "JSON error: not an object"}});
  }

  JanusEnvelope envelope;
  if (const json* s = json_member(root, "session_id"); s != nullptr) {
    envelope.session_id = json_exact_uint(*s);
  }
  if (const json* h = json_member(root, "handle_id"); h != nullptr) {
    if (h->is_number_integer()) {
      // Negative handle ids are invalid handles: keep them as 0 so they are answered 459.
      envelope.handle_id = json_exact_uint(*h).value_or(0);
    }
  }
  const std::uint64_t session_for_errors = envelope.session_id.value_or(0);
  for (const std::string_view key : {std::string_view("transaction"), std::string_view("janus")}) {
    const auto check = check_member(root, key, JsonKind::String, /*required=*/true);
    if (!check) {
      const auto code = check.problem == MemberProblem::Missing
                            ? JanusError::MissingMandatoryElement
                            : JanusError::InvalidElementType;
      return base::unexpected(EnvelopeError{{code, check.reason}, session_for_errors});
    }
  }
  envelope.transaction = json_member(root, "transaction")->get<std::string>();
  envelope.verb_text = json_member(root, "janus")->get<std::string>();
  envelope.verb = verb_of(envelope.verb_text);
  if (const json* secret = json_member(root, "apisecret"); secret && secret->is_string()) {
    envelope.apisecret = secret->get<std::string>();
  }
  if (const json* secret = json_member(root, "admin_secret"); secret && secret->is_string()) {
    envelope.admin_secret = secret->get<std::string>();
  }
  envelope.root = std::move(root);
  return envelope;
}

std::optional<std::uint64_t> parse_janus_id_segment(std::string_view segment) {
  if (segment.empty() || segment.size() > 20) return std::nullopt;
  std::uint64_t value = 0;
  for (const char c : segment) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  if (value == 0) return std::nullopt;
  return value;
}

}  // namespace webvox::viewer
