#include "viewer/janus_audiobridge_request.hpp"

#include <array>
#include <string_view>
#include <utility>

#include "viewer/janus_json.hpp"

namespace webvox::viewer {

using nlohmann::json;

namespace {

struct Member {
  std::string_view key;
  JsonKind kind;
  bool required = false;
};

// Validates members in order, as JANUS_VALIDATE_JSON_OBJECT does; AudioBridge's codes.
template <std::size_t N>
std::optional<AudioBridgeFailure> validate(const json& body, const std::array<Member, N>& members) {
  for (const auto& member : members) {
    auto check = check_member(body, member.key, member.kind, member.required);
    if (!check) {
      return AudioBridgeFailure{check.problem == MemberProblem::Missing
                                    ? AudioBridgeError::MissingElement
                                    : AudioBridgeError::InvalidElement,
                                std::move(check.reason)};
    }
  }
  return std::nullopt;
}

std::optional<std::string> optional_text(const json& body, std::string_view key) {
  const json* value = json_member(body, key);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return value->get<std::string>();
}

bool optional_flag(const json& body, std::string_view key) {
  const json* value = json_member(body, key);
  return value != nullptr && value->is_boolean() && value->get<bool>();
}

std::optional<std::uint64_t> optional_uint(const json& body, std::string_view key) {
  const json* value = json_member(body, key);
  return value == nullptr ? std::nullopt : json_exact_uint(*value);
}

std::optional<AudioBridgeFailure> check_text_sizes(const json& body,
                                                   std::initializer_list<std::string_view> keys,
                                                   std::size_t max_text_bytes) {
  for (const auto key : keys) {
    const json* value = json_member(body, key);
    if (value != nullptr && value->is_string() &&
        value->get_ref<const std::string&>().size() > max_text_bytes) {
      return AudioBridgeFailure{AudioBridgeError::InvalidElement,
                                "Invalid element (" + std::string(key) + " longer than " +
                                    std::to_string(max_text_bytes) + " bytes)"};
    }
  }
  return std::nullopt;
}

bool is_unsupported_janus_request(std::string_view request) {
  static constexpr std::array<std::string_view, 24> kKnownToJanus{
      "edit",         "allowed",          "kick",           "kick_all",       "mute",
      "unmute",       "mute_room",        "unmute_room",    "changeroom",     "hangup",
      "rtp_forward",  "stop_rtp_forward", "listforwarders", "enable_mjrs",    "enable_recording",
      "play_file",    "is_playing",       "stop_file",      "stop_all_files", "listannouncements",
      "resetdecoder", "suspend",          "resume",         "update_file"};
  for (const auto known : kKnownToJanus) {
    if (equals_ignoring_case(request, known)) return true;
  }
  return false;
}

AudioBridgeParse parse_create(const json& body, std::size_t max_text_bytes) {
  static constexpr std::array<Member, 12> kMembers{{
      {"description", JsonKind::String},
      {"secret", JsonKind::String},
      {"pin", JsonKind::String},
      {"is_private", JsonKind::Boolean},
      {"allowed", JsonKind::Array},
      {"sampling_rate", JsonKind::PositiveInteger},
      {"spatial_audio", JsonKind::Boolean},
      {"record", JsonKind::Boolean},
      {"permanent", JsonKind::Boolean},
      {"denoise", JsonKind::Boolean},
      {"groups", JsonKind::Array},
      {"room", JsonKind::PositiveInteger},
  }};
  if (auto failure = validate(body, kMembers)) return base::unexpected(std::move(*failure));
  if (auto failure = check_text_sizes(body, {"description", "secret", "pin"}, max_text_bytes)) {
    return base::unexpected(std::move(*failure));
  }
  AudioBridgeCreate create;
  create.room = optional_uint(body, "room");
  create.description = optional_text(body, "description").value_or("");
  create.is_private = optional_flag(body, "is_private");
  create.spatial_audio = optional_flag(body, "spatial_audio");
  create.pin = optional_text(body, "pin");
  create.secret = optional_text(body, "secret");
  return AudioBridgeRequest{std::move(create)};
}

AudioBridgeParse parse_destroy(const json& body, std::size_t max_text_bytes) {
  static constexpr std::array<Member, 3> kMembers{{
      {"permanent", JsonKind::Boolean},
      {"room", JsonKind::PositiveInteger, true},
      {"secret", JsonKind::String},
  }};
  if (auto failure = validate(body, kMembers)) return base::unexpected(std::move(*failure));
  if (auto failure = check_text_sizes(body, {"secret"}, max_text_bytes)) {
    return base::unexpected(std::move(*failure));
  }
  return AudioBridgeRequest{
      AudioBridgeDestroy{*optional_uint(body, "room"), optional_text(body, "secret")}};
}

AudioBridgeParse parse_join(const json& body, std::size_t max_text_bytes) {
  static constexpr std::array<Member, 12> kMembers{{
      {"display", JsonKind::String},
      {"token", JsonKind::String},
      {"group", JsonKind::String},
      {"muted", JsonKind::Boolean},
      {"codec", JsonKind::String},
      {"volume", JsonKind::PositiveInteger},
      {"spatial_position", JsonKind::PositiveInteger},
      {"secret", JsonKind::String},
      {"room", JsonKind::PositiveInteger, true},
      {"id", JsonKind::PositiveInteger},
      {"pin", JsonKind::String},
      {"rtp", JsonKind::Object},
  }};
  if (auto failure = validate(body, kMembers)) return base::unexpected(std::move(*failure));
  if (auto failure = check_text_sizes(body, {"display", "pin"}, max_text_bytes)) {
    return base::unexpected(std::move(*failure));
  }
  AudioBridgeJoin join;
  join.room = *optional_uint(body, "room");
  join.id = optional_uint(body, "id");
  if (join.id == 0u) join.id.reset();  // Janus: 0 means "pick one"
  join.display = optional_text(body, "display");
  join.pin = optional_text(body, "pin");
  return AudioBridgeRequest{std::move(join)};
}

AudioBridgeParse parse_room_only(const json& body, bool exists) {
  static constexpr std::array<Member, 1> kMembers{{{"room", JsonKind::PositiveInteger, true}}};
  if (auto failure = validate(body, kMembers)) return base::unexpected(std::move(*failure));
  const auto room = *optional_uint(body, "room");
  if (exists) return AudioBridgeRequest{AudioBridgeExists{room}};
  return AudioBridgeRequest{AudioBridgeListParticipants{room}};
}

}  // namespace

AudioBridgeParse parse_audiobridge_request(const json& body, std::size_t max_text_bytes) {
  if (!body.is_object()) {
    return base::unexpected(
        AudioBridgeFailure{AudioBridgeError::InvalidJson, "JSON error: not an object"});
  }
  static constexpr std::array<Member, 1> kRequest{{{"request", JsonKind::String, true}}};
  if (auto failure = validate(body, kRequest)) return base::unexpected(std::move(*failure));
  const auto& request = json_member(body, "request")->get_ref<const std::string&>();

  if (equals_ignoring_case(request, "create")) return parse_create(body, max_text_bytes);
  if (equals_ignoring_case(request, "destroy")) return parse_destroy(body, max_text_bytes);
  if (equals_ignoring_case(request, "join")) return parse_join(body, max_text_bytes);
  if (equals_ignoring_case(request, "leave")) return AudioBridgeRequest{AudioBridgeLeave{}};
  if (equals_ignoring_case(request, "configure")) {
    return AudioBridgeRequest{AudioBridgeConfigure{}};
  }
  if (equals_ignoring_case(request, "list")) return AudioBridgeRequest{AudioBridgeList{}};
  if (equals_ignoring_case(request, "listparticipants")) return parse_room_only(body, false);
  if (equals_ignoring_case(request, "exists")) return parse_room_only(body, true);

  // Keep error text bounded: the request name is echoed back.
  const std::string shown = request.size() > 64 ? request.substr(0, 64) + "..." : request;
  if (is_unsupported_janus_request(request)) {
    return base::unexpected(
        AudioBridgeFailure{AudioBridgeError::InvalidRequest,
                           "Unsupported request '" + shown + "' (webvox AudioBridge subset)"});
  }
  return base::unexpected(
      AudioBridgeFailure{AudioBridgeError::InvalidRequest, "Unknown request '" + shown + "'"});
}

}  // namespace webvox::viewer
