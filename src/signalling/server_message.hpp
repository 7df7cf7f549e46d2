#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/channel.hpp"
#include "core/forwarding_policy.hpp"
#include "core/hearing.hpp"
#include "core/position.hpp"

namespace webvox::signalling {

enum class PositionSource { Client, World };

struct PlacedPosition {
  core::Position position;
  PositionSource source = PositionSource::Client;
};

// A member of a channel as the others see it.
struct MemberInfo {
  std::string member;  // connection id
  std::string account;
  std::string name;
  bool muted = false;
  bool speaking = false;
  core::Role role = core::Role::Participant;
  bool floor = true;  // may speak now, by the channel's mode
  bool hand = false;  // asks for the floor
  std::optional<PlacedPosition> position;
  // Not a WebSocket client: an avatar talking in its SL viewer, whose voice room webvoxd's
  // viewer voice bridged into this channel (docs/viewers.md). Such members keep the channel
  // forwarded by the server.
  bool viewer = false;
  // Silenced by the grid's operator (docs/admin.md): the server carries none of its audio
  // where it carries audio, and every client drops it where the server carries none (mesh).
  bool operator_muted = false;
};

nlohmann::json to_json(const MemberInfo& member);
// A position as `positions` and member objects carry it (without the member id).
nlohmann::json to_json(const PlacedPosition& placed);
nlohmann::json member_state_message(const MemberInfo& member);
// The channel's properties as clients use them, and how media flows in it now (`slots`:
// receive slots per listener, sent only when forwarded).
nlohmann::json channel_info(const core::ChannelProperties& properties,
                            core::ForwardingMode forwarding = core::ForwardingMode::Mesh,
                            std::size_t slots = 0);
// Tells a channel's members that its media now flows the other way.
nlohmann::json forwarding_message(core::ForwardingMode forwarding, std::size_t slots);

// One receive slot of a forwarded channel's listener: the receive transceiver's mid, and who is
// heard on it now (none: silent).
struct ReceiveSlot {
  std::string mid;
  std::optional<std::string> member;
  friend bool operator==(const ReceiveSlot&, const ReceiveSlot&) = default;
};

// The answer to an `sfu-offer` (with the offer's `id`, when it had one).
std::string sfu_answer_message(const nlohmann::json& id, std::string_view sdp);
// A listener's complete slot table, sent whenever who is on which slot changes.
std::string slots_message(std::span<const ReceiveSlot> slots);

// Serialises a server message; invalid UTF-8 (never expected) is replaced, not thrown.
std::string serialize(const nlohmann::json& message);

std::string error_message(const nlohmann::json& id, std::string_view code, std::string_view text);

// Why the server took a member out of its channel (docs/admin.md).
enum class RemovalReason { Kicked, Closed };
std::string_view to_string(RemovalReason reason);
// Tells a member it is no longer in `channel` (`removed`); `retry_after`: it may not join the
// channel again before then (whole seconds, rounded up).
std::string removed_message(std::string_view channel, RemovalReason reason,
                            std::optional<std::chrono::seconds> retry_after);
// An error that says when to try again (`retryAfter`, whole seconds): auth_throttled, busy.
std::string error_message(const nlohmann::json& id, std::string_view code, std::string_view text,
                          std::chrono::seconds retry_after);

}  // namespace webvox::signalling
