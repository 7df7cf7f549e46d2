#include "signalling/server_message.hpp"

namespace webvox::signalling {

using nlohmann::json;

json to_json(const MemberInfo& member) {
  json object = {{"member", member.member},
                 {"account", member.account},
                 {"name", member.name.empty() ? member.account : member.name},
                 {"muted", member.muted},
                 {"speaking", member.speaking},
                 {"role", core::to_string(member.role)},
                 {"floor", member.floor},
                 {"hand", member.hand},
                 {"operatorMuted", member.operator_muted}};
  if (member.position) object["position"] = to_json(*member.position);
  if (member.viewer) object["viewer"] = true;
  return object;
}

json to_json(const PlacedPosition& placed) {
  const auto& p = placed.position;
  return {{"x", p.x},
          {"y", p.y},
          {"z", p.z},
          {"yaw", p.yaw},
          {"source", placed.source == PositionSource::World ? "world" : "client"}};
}

json member_state_message(const MemberInfo& member) {
  return {{"type", "member-state"},
          {"member", member.member},
          {"muted", member.muted},
          {"speaking", member.speaking},
          {"floor", member.floor},
          {"hand", member.hand},
          {"operatorMuted", member.operator_muted}};
}

namespace {

// The fields `joined.channelInfo` and `forwarding` share, so both always say the same.
void add_forwarding(json& object, core::ForwardingMode forwarding, std::size_t slots) {
  object["forwarding"] = core::to_string(forwarding);
  if (forwarding == core::ForwardingMode::Sfu) object["slots"] = slots;
}

}  // namespace

json channel_info(const core::ChannelProperties& properties, core::ForwardingMode forwarding,
                  std::size_t slots) {
  json info = {{"type", core::to_string(properties.type)},
               {"mode", core::to_string(properties.mode)},
               {"distanceModel", static_cast<int>(properties.distance_model)},
               {"rollOff", properties.roll_off},
               {"maxRange", properties.max_range},
               {"clampingDistance", properties.clamping_distance}};
  add_forwarding(info, forwarding, slots);
  return info;
}

json forwarding_message(core::ForwardingMode forwarding, std::size_t slots) {
  json message = {{"type", "forwarding"}};
  add_forwarding(message, forwarding, slots);
  return message;
}

namespace {

// A reply carries the request's `id`, when it had one.
std::string serialize_reply(json message, const json& id) {
  if (!id.is_null()) message["id"] = id;
  return serialize(message);
}

}  // namespace

std::string sfu_answer_message(const json& id, std::string_view sdp) {
  return serialize_reply({{"type", "sfu-answer"}, {"sdp", sdp}}, id);
}

std::string slots_message(std::span<const ReceiveSlot> slots) {
  auto table = json::array();
  for (const auto& slot : slots) {
    table.push_back(
        {{"mid", slot.mid}, {"member", slot.member ? json(*slot.member) : json(nullptr)}});
  }
  return serialize({{"type", "slots"}, {"slots", std::move(table)}});
}

std::string serialize(const json& message) {
  return message.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string error_message(const json& id, std::string_view code, std::string_view text) {
  return serialize_reply({{"type", "error"}, {"code", code}, {"message", text}}, id);
}

std::string error_message(const json& id, std::string_view code, std::string_view text,
                          std::chrono::seconds retry_after) {
  return serialize_reply(
      {{"type", "error"}, {"code", code}, {"message", text}, {"retryAfter", retry_after.count()}},
      id);
}

std::string_view to_string(RemovalReason reason) {
  switch (reason) {
    case RemovalReason::Kicked:
      return "kicked";
    case RemovalReason::Closed:
      return "closed";
  }
  return "kicked";
}

std::string removed_message(std::string_view channel, RemovalReason reason,
                            std::optional<std::chrono::seconds> retry_after) {
  json message = {{"type", "removed"},
                  {"channel", channel},
                  {"reason", to_string(reason)},
                  {"message", reason == RemovalReason::Kicked
                                  ? "removed from the channel by the grid's operator"
                                  : "the grid's operator closed the channel"}};
  if (retry_after) message["retryAfter"] = retry_after->count();
  return serialize(message);
}

}  // namespace webvox::signalling
