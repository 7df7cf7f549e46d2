// The AudioBridge half of the Janus door: rooms (create, destroy, list, exists), who sits in
// them (listparticipants), joins with the viewer's offer handed to ViewerVoice::provision,
// leave and configure, and what ViewerVoice answers: the joined event with the SDP answer, and
// MediaUp/Ended as "webrtcup"/"hangup" on the session's long poll.
#include <utility>
#include <variant>

#include "base/secure_random.hpp"
#include "base/uuid.hpp"
#include "viewer/janus_gateway_core.hpp"
#include "viewer/janus_room_key.hpp"

namespace webvox::viewer {

using nlohmann::json;
using namespace janus_internal;

namespace {

constexpr std::string_view kEndedReason = "Viewer voice session ended";

bool is_async_request(const json& body) {
  const json* request = json_member(body, "request");
  if (request == nullptr || !request->is_string()) return false;
  const auto& text = request->get_ref<const std::string&>();
  for (const std::string_view name : {"join", "leave", "configure", "changeroom", "hangup"}) {
    if (equals_ignoring_case(text, name)) return true;
  }
  return false;
}

AudioBridgeFailure provision_failure(const ProvisionError& error) {
  switch (error.failure) {
    case ProvisionFailure::BadOffer:
      return {AudioBridgeError::InvalidSdp, "Invalid SDP: " + error.message};
    case ProvisionFailure::Full:
      return {AudioBridgeError::UnknownError, "Voice server full: " + error.message};
    case ProvisionFailure::Unavailable:
      return {AudioBridgeError::UnknownError, "Viewer voice unavailable: " + error.message};
  }
  return {AudioBridgeError::UnknownError, error.message};
}

}  // namespace

JanusJson JanusGateway::Core::participant_list(const Room& room, std::optional<Seat> except) {
  JanusJson list = JanusJson::array();
  for (const auto& [participant_id, seat] : room.participants) {
    if (except && seat == *except) continue;
    const Handle* handle = find_handle(seat);
    if (handle == nullptr || !handle->join) continue;
    JanusJson entry = JanusJson::object();
    entry["id"] = participant_id;
    entry["display"] = handle->join->display;
    entry["setup"] = handle->join->media_up;
    entry["muted"] = false;
    entry["talking"] = false;
    list.push_back(std::move(entry));
  }
  return list;
}

void JanusGateway::Core::message(Seat seat, Handle& handle, const JanusEnvelope& envelope, Time now,
                                 JanusResponder& respond, Effects& fx) {
  const std::string_view tx = envelope.transaction;
  if (auto check = check_member(envelope.root, "body", JsonKind::Object, true); !check) {
    refuse(fx, respond, 200, seat.session, tx,
           check.problem == MemberProblem::Missing ? JanusError::MissingMandatoryElement
                                                   : JanusError::InvalidElementType,
           check.reason);
    return;
  }
  const json& body = *json_member(envelope.root, "body");
  std::optional<std::string> offer;
  if (const json* jsep = json_member(envelope.root, "jsep"); jsep != nullptr) {
    if (!jsep->is_object()) {
      refuse(fx, respond, 200, seat.session, tx, JanusError::InvalidJsonObject,
             "Invalid jsep object");
      return;
    }
    for (const std::string_view key : {std::string_view("type"), std::string_view("sdp")}) {
      if (auto check = check_member(*jsep, key, JsonKind::String, true); !check) {
        refuse(fx, respond, 200, seat.session, tx,
               check.problem == MemberProblem::Missing ? JanusError::MissingMandatoryElement
                                                       : JanusError::InvalidElementType,
               check.reason);
        return;
      }
    }
    const auto& type = json_member(*jsep, "type")->get_ref<const std::string&>();
    const auto& sdp = json_member(*jsep, "sdp")->get_ref<const std::string&>();
    if (equals_ignoring_case(type, "answer")) {
      refuse(fx, respond, 200, seat.session, tx, JanusError::UnexpectedAnswer,
             "Unexpected ANSWER (did we offer?)");
      return;
    }
    if (!equals_ignoring_case(type, "offer")) {
      refuse(fx, respond, 200, seat.session, tx, JanusError::JsepUnknownType,
             "JSEP error: unknown message type '" + shown(type) + "'");
      return;
    }
    if (sdp.size() > config.max_sdp_bytes) {
      refuse(fx, respond, 200, seat.session, tx, JanusError::JsepInvalidSdp,
             "JSEP error: invalid SDP (larger than " + std::to_string(config.max_sdp_bytes) +
                 " bytes)");
      return;
    }
    offer = sdp;
  }

  const auto kind = is_async_request(body) ? PluginReplyKind::Event : PluginReplyKind::Success;
  auto parsed = parse_audiobridge_request(body, config.max_text_bytes);
  if (!parsed) {
    refuse_plugin(fx, respond, kind, seat, tx, parsed.error());
    return;
  }
  auto& request = *parsed;
  if (auto* create = std::get_if<AudioBridgeCreate>(&request)) {
    return create_room(seat, *create, tx, now, respond, fx);
  }
  if (auto* destroy = std::get_if<AudioBridgeDestroy>(&request)) {
    return destroy_room(seat, *destroy, tx, respond, fx);
  }
  if (auto* join = std::get_if<AudioBridgeJoin>(&request)) {
    return join_room(seat, handle, *join, std::move(offer), tx, now, respond, fx);
  }
  if (std::holds_alternative<AudioBridgeLeave>(request)) {
    return leave_room(seat, handle, tx, respond, fx);
  }
  if (std::holds_alternative<AudioBridgeConfigure>(request)) {
    if (!handle.join) {
      refuse_plugin(fx, respond, kind, seat, tx,
                    {AudioBridgeError::NotJoined, "Can't configure (not in a room)"});
      return;
    }
    JanusJson data = JanusJson::object();
    data["audiobridge"] = "event";
    data["room"] = handle.join->room;
    data["result"] = "ok";
    fx.reply(
        std::move(respond), 200,
        janus_plugin_reply(PluginReplyKind::Event, seat.session, seat.handle, tx, std::move(data)));
    return;
  }
  if (std::holds_alternative<AudioBridgeList>(request)) return list_rooms(seat, tx, respond, fx);
  if (auto* list = std::get_if<AudioBridgeListParticipants>(&request)) {
    const auto room = rooms.find(list->room);
    if (room == rooms.end()) {
      refuse_plugin(fx, respond, kind, seat, tx, no_such_room(list->room));
      return;
    }
    JanusJson data = JanusJson::object();
    data["audiobridge"] = "participants";
    data["room"] = list->room;
    data["participants"] = participant_list(room->second, std::nullopt);
    fx.reply(std::move(respond), 200,
             janus_plugin_reply(PluginReplyKind::Success, seat.session, seat.handle, tx,
                                std::move(data)));
    return;
  }
  const auto& exists = std::get<AudioBridgeExists>(request);
  JanusJson data = JanusJson::object();
  data["audiobridge"] = "success";
  data["room"] = exists.room;
  data["exists"] = rooms.contains(exists.room);
  fx.reply(
      std::move(respond), 200,
      janus_plugin_reply(PluginReplyKind::Success, seat.session, seat.handle, tx, std::move(data)));
}

AudioBridgeFailure JanusGateway::Core::no_such_room(std::uint64_t room) {
  return {AudioBridgeError::NoSuchRoom, "No such room (" + std::to_string(room) + ")"};
}

void JanusGateway::Core::create_room(Seat seat, const AudioBridgeCreate& create,
                                     std::string_view tx, Time now, JanusResponder& respond,
                                     Effects& fx) {
  const auto sync = PluginReplyKind::Success;
  std::optional<std::uint64_t> number = create.room;
  if (number == 0u) number.reset();
  if (number && rooms.contains(*number)) {
    // Correction 7: "success" with AudioBridge's 486 inside; the addon reuses the room.
    refuse_plugin(
        fx, respond, sync, seat, tx,
        {AudioBridgeError::RoomExists, "Room " + std::to_string(*number) + " already exists"});
    return;
  }
  if (rooms.size() >= config.max_rooms) {
    ++stats.rooms_refused_full;
    refuse_plugin(fx, respond, sync, seat, tx,
                  {AudioBridgeError::UnknownError,
                   "Too many rooms (limit " + std::to_string(config.max_rooms) + ")"});
    return;
  }
  if (!number) number = pick_id(kMaxSmallId, [&](std::uint64_t v) { return rooms.contains(v); });
  if (!number) {
    refuse_plugin(fx, respond, sync, seat, tx, {AudioBridgeError::UnknownError, "No free room id"});
    return;
  }
  Room room;
  room.description = create.description;
  room.spatial_audio = create.spatial_audio;
  room.is_private = create.is_private;
  room.pin = create.pin;
  room.secret = create.secret;
  room.key = janus_room_key(*number, create.description, create.spatial_audio);
  room.empty_since = now;
  rooms.emplace(*number, std::move(room));

  JanusJson data = JanusJson::object();
  data["audiobridge"] = "created";
  data["room"] = *number;
  data["permanent"] = false;  // webvoxd keeps no room across restarts
  fx.reply(std::move(respond), 200,
           janus_plugin_reply(sync, seat.session, seat.handle, tx, std::move(data)));
}

void JanusGateway::Core::destroy_room(Seat seat, const AudioBridgeDestroy& destroy,
                                      std::string_view tx, JanusResponder& respond, Effects& fx) {
  const auto sync = PluginReplyKind::Success;
  const auto room = rooms.find(destroy.room);
  if (room == rooms.end()) {
    refuse_plugin(fx, respond, sync, seat, tx, no_such_room(destroy.room));
    return;
  }
  if (room->second.secret) {
    if (!destroy.secret) {
      refuse_plugin(fx, respond, sync, seat, tx,
                    {AudioBridgeError::MissingElement, "Missing mandatory element (secret)"});
      return;
    }
    if (!base::secrets_equal(*destroy.secret, *room->second.secret)) {
      refuse_plugin(fx, respond, sync, seat, tx,
                    {AudioBridgeError::Unauthorized, "Unauthorized (wrong secret)"});
      return;
    }
  }
  // Like AudioBridge: everyone in the room is told and hung up.
  JanusJson destroyed = JanusJson::object();
  destroyed["audiobridge"] = "destroyed";
  destroyed["room"] = destroy.room;
  const auto seated = room->second.participants;  // end_join edits the room's list
  for (const auto& [participant_id, member] : seated) {
    const auto session = sessions.find(member.session);
    if (session == sessions.end()) continue;
    const auto handle = session->second.handles.find(member.handle);
    if (handle == session->second.handles.end()) continue;
    end_join(member, handle->second, EndReason::Logout, "room destroyed", fx);
    push_event(session->second,
               janus_plugin_reply(PluginReplyKind::Event, member.session, member.handle,
                                  std::nullopt, destroyed),
               fx);
    push_event(session->second, janus_hangup_event(member.session, member.handle, "Room destroyed"),
               fx);
  }
  rooms.erase(room);
  JanusJson data = JanusJson::object();
  data["audiobridge"] = "destroyed";
  data["room"] = destroy.room;
  data["permanent"] = false;
  fx.reply(std::move(respond), 200,
           janus_plugin_reply(sync, seat.session, seat.handle, tx, std::move(data)));
}

void JanusGateway::Core::list_rooms(Seat seat, std::string_view tx, JanusResponder& respond,
                                    Effects& fx) {
  JanusJson list = JanusJson::array();
  for (const auto& [number, room] : rooms) {
    if (room.is_private) continue;
    JanusJson entry = JanusJson::object();
    entry["room"] = number;
    entry["description"] = room.description;
    entry["sampling_rate"] = 48000;  // webvoxd mixes Opus at 48 kHz whatever was asked
    entry["spatial_audio"] = room.key.spatial;
    entry["pin_required"] = room.pin.has_value();
    entry["record"] = false;
    entry["muted"] = false;
    entry["num_participants"] = room.participants.size();
    list.push_back(std::move(entry));
  }
  JanusJson data = JanusJson::object();
  data["audiobridge"] = "success";
  data["list"] = std::move(list);
  fx.reply(
      std::move(respond), 200,
      janus_plugin_reply(PluginReplyKind::Success, seat.session, seat.handle, tx, std::move(data)));
}

void JanusGateway::Core::leave_room(Seat seat, Handle& handle, std::string_view tx,
                                    JanusResponder& respond, Effects& fx) {
  if (!handle.join) {
    refuse_plugin(fx, respond, PluginReplyKind::Event, seat, tx,
                  {AudioBridgeError::NotJoined, "Can't leave (not in a room)"});
    return;
  }
  JanusJson data = JanusJson::object();
  data["audiobridge"] = "left";
  data["room"] = handle.join->room;
  data["id"] = handle.join->participant_id;
  end_join(seat, handle, EndReason::Logout, "left the room", fx);
  fx.reply(
      std::move(respond), 200,
      janus_plugin_reply(PluginReplyKind::Event, seat.session, seat.handle, tx, std::move(data)));
}

void JanusGateway::Core::join_room(Seat seat, Handle& handle, const AudioBridgeJoin& join,
                                   std::optional<std::string> offer, std::string_view tx, Time now,
                                   JanusResponder& respond, Effects& fx) {
  const auto async = PluginReplyKind::Event;
  if (!offer) {
    refuse_plugin(fx, respond, async, seat, tx,
                  {AudioBridgeError::InvalidSdp,
                   "Missing SDP offer (webvox answers the offer sent with the join)"});
    return;
  }
  const auto found = rooms.find(join.room);
  if (found == rooms.end()) {
    refuse_plugin(fx, respond, async, seat, tx, no_such_room(join.room));
    return;
  }
  Room& room = found->second;
  if (room.pin) {
    if (!join.pin) {
      refuse_plugin(fx, respond, async, seat, tx,
                    {AudioBridgeError::MissingElement, "Missing mandatory element (pin)"});
      return;
    }
    if (!base::secrets_equal(*join.pin, *room.pin)) {
      refuse_plugin(fx, respond, async, seat, tx,
                    {AudioBridgeError::Unauthorized, "Unauthorized (wrong pin)"});
      return;
    }
  }
  if (!join.display) {
    refuse_plugin(fx, respond, async, seat, tx,
                  {AudioBridgeError::MissingElement, "Missing mandatory element (display)"});
    return;
  }
  const auto agent_uuid = base::parse_uuid(*join.display);
  if (!agent_uuid) {
    refuse_plugin(
        fx, respond, async, seat, tx,
        {AudioBridgeError::InvalidElement, "Invalid element (display should be the agent's UUID)"});
    return;
  }
  const std::string agent = base::format_uuid(*agent_uuid);

  // [OS] sends the participant id (derived from the agent id); [MB] lets the bridge pick.
  std::optional<Seat> taken_by_same_agent;
  if (join.id) {
    if (const auto seated = room.participants.find(*join.id);
        seated != room.participants.end() && !(seated->second == seat)) {
      const Handle* other = find_handle(seated->second);
      if (other != nullptr && other->join && other->join->agent_id != agent) {
        refuse_plugin(fx, respond, async, seat, tx,
                      {AudioBridgeError::IdExists,
                       "User ID " + std::to_string(*join.id) + " already exists"});
        return;
      }
      taken_by_same_agent = seated->second;
    }
  }
  // A new join on a handle that is in a room replaces what the handle had (Janus would
  // answer 491; [MB] has no recovery from that, and [OS]'s recovery ends the same way).
  if (handle.join) end_join(seat, handle, EndReason::Logout, "replaced by a new join", fx);
  // The same agent again on another handle (a reconnect whose old handle is not gone yet):
  // ViewerVoice replaces the older session, whose Ended then reaches that handle as hangup.
  if (taken_by_same_agent) {
    if (Handle* other = find_handle(*taken_by_same_agent)) {
      end_join(*taken_by_same_agent, *other, EndReason::Superseded,
               "the agent joined again from another handle", fx);
    }
    room.participants.erase(*join.id);
  }
  std::optional<std::uint64_t> participant_id = join.id;
  if (!participant_id) {
    participant_id =
        pick_id(kMaxSmallId, [&](std::uint64_t v) { return room.participants.contains(v); });
    if (!participant_id) {
      refuse_plugin(fx, respond, async, seat, tx,
                    {AudioBridgeError::UnknownError, "No free participant id"});
      return;
    }
  }

  const std::uint64_t generation = next_generation++;
  handle.join = Join{generation, join.room, *participant_id, agent, *join.display, {}, false};
  handle.event_generation = generation;
  room.participants[*participant_id] = seat;
  room.empty_since.reset();
  pending.emplace(
      generation,
      PendingJoin{
          std::move(respond), std::string(tx), seat, now + config.provision_timeout, {}, false});
  ++stats.joins_started;

  const std::weak_ptr<Core> weak = weak_from_this();
  ProvisionRequest provision{agent, room.key, std::move(*offer), {}};
  provision.on_event = [weak, seat, generation](SessionEvent event) {
    if (const auto core = weak.lock()) core->on_session_event(seat, generation, event);
  };
  auto done = [weak, generation, agent](ProvisionOutcome outcome) {
    if (const auto core = weak.lock()) core->on_provisioned(generation, agent, std::move(outcome));
  };
  fx.voice.push_back(
      [&voice = voice, provision = std::move(provision), done = std::move(done)]() mutable {
        voice.provision(std::move(provision), std::move(done));
      });
}

void JanusGateway::Core::on_provisioned(std::uint64_t generation, const std::string& agent,
                                        ProvisionOutcome outcome) {
  Effects fx;
  {
    std::lock_guard lock(mutex);
    const Provisioned* provisioned = outcome ? &*outcome : nullptr;
    const auto waiting = pending.find(generation);
    if (waiting == pending.end()) {
      // Timed out, cancelled or shut down meanwhile: the session nobody will use goes.
      ++stats.stale_voice_callbacks;
      if (provisioned != nullptr) {
        deferred_voice.push_back([&voice = voice, agent, session = provisioned->viewer_session] {
          voice.logout(agent, session);
        });
      }
      return;
    }
    PendingJoin join_request = std::move(waiting->second);
    pending.erase(waiting);
    const Seat seat = join_request.seat;
    Handle* handle = find_handle(seat);
    // end_join removes the pending join with the join, so the join is still there.
    if (handle == nullptr || !handle->join || handle->join->generation != generation) {
      ++stats.joins_failed;
      refuse_plugin(fx, join_request.respond, PluginReplyKind::Event, seat,
                    join_request.transaction, {AudioBridgeError::UnknownError, "Join cancelled"});
      if (provisioned != nullptr) {
        deferred_voice.push_back([&voice = voice, agent, session = provisioned->viewer_session] {
          voice.logout(agent, session);
        });
      }
    } else if (provisioned != nullptr) {
      Join& join = *handle->join;
      join.viewer_session = provisioned->viewer_session;
      ++stats.joins_succeeded;
      JanusJson data = JanusJson::object();
      data["audiobridge"] = "joined";
      data["room"] = join.room;
      data["id"] = join.participant_id;
      const auto room = rooms.find(join.room);
      data["participants"] =
          room == rooms.end() ? JanusJson::array() : participant_list(room->second, seat);
      fx.reply(
          std::move(join_request.respond), 200,
          janus_plugin_reply(PluginReplyKind::Event, seat.session, seat.handle,
                             join_request.transaction, std::move(data), provisioned->answer_sdp));
      if (!join_request.early_candidates.empty() || join_request.early_completed) {
        stats.candidates_passed += join_request.early_candidates.size();
        deferred_voice.push_back([&voice = voice, session = join.viewer_session,
                                  candidates = std::move(join_request.early_candidates),
                                  completed = join_request.early_completed]() mutable {
          voice.trickle(session, std::move(candidates), completed);
        });
      }
    } else {
      ++stats.joins_failed;
      end_join(seat, *handle, EndReason::Logout, "provision failed", fx);
      refuse_plugin(fx, join_request.respond, PluginReplyKind::Event, seat,
                    join_request.transaction, provision_failure(outcome.error()));
    }
    defer_voice(fx);
  }
  fx.run();
}

void JanusGateway::Core::on_session_event(Seat seat, std::uint64_t generation, SessionEvent event) {
  Effects fx;
  {
    std::lock_guard lock(mutex);
    const auto session = sessions.find(seat.session);
    Handle* handle = find_handle(seat);
    if (handle == nullptr || handle->event_generation != generation) {
      ++stats.stale_voice_callbacks;
      return;
    }
    const bool current = handle->join && handle->join->generation == generation;
    if (event == SessionEvent::MediaUp) {
      if (current) handle->join->media_up = true;
      push_event(session->second, janus_webrtcup_event(seat.session, seat.handle), fx);
    } else {
      push_event(session->second, janus_hangup_event(seat.session, seat.handle, kEndedReason), fx);
      if (current) {
        end_join(seat, *handle, EndReason::Ended,
                 "the media session ended before the join completed", fx);
      }
      handle->event_generation = 0;
    }
    defer_voice(fx);
  }
  fx.run();
}

}  // namespace webvox::viewer
