#include "signalling/signalling_hub.hpp"

#include "core/secure_random.hpp"
#include "signalling/signalling_session.hpp"

namespace webvox::signalling {

using nlohmann::json;

SignallingHub::SignallingHub(SignallingContext context) : context_(std::move(context)) {}

std::shared_ptr<SignallingSession> SignallingHub::connect(std::shared_ptr<PeerLink> link) {
  return std::make_shared<SignallingSession>(*this, std::move(link), core::random_url_token(9));
}

ChannelRoom* SignallingHub::room_locked(core::ChannelId channel) {
  const auto room = rooms_.find(channel);
  return room == rooms_.end() ? nullptr : &room->second;
}

void SignallingHub::remove_locked(core::ChannelId channel, const std::string& member) {
  auto* room = room_locked(channel);
  if (!room || !room->contains(member)) return;
  room->remove(member);
  if (context_.forwarding) context_.forwarding->leave(channel, member);
  if (room->empty()) {
    rooms_.erase(channel);
  } else {
    room->push_positions();  // the others' audible lists lost this member
  }
}

SignallingHub::JoinOutcome SignallingHub::join(
    core::ChannelId channel, const core::ChannelProperties& properties, MemberInfo self,
    std::shared_ptr<PeerLink> link, std::optional<core::ChannelId> previous, double now,
    const std::function<std::string(const JoinOutcome&)>& joined) {
  std::lock_guard lock(mutex_);
  auto* room = &rooms_.try_emplace(channel, properties).first->second;
  if (const auto older = room->other_connection_of(self.account, self.member)) {
    room->send_to(*older, error_message(nullptr, "replaced",
                                        "this account joined the channel from another connection"));
    room->close_member(*older, close_code::kReplaced, "replaced");
    remove_locked(channel, *older);
    room = &rooms_.try_emplace(channel, properties).first->second;  // may have been emptied
  }
  JoinOutcome outcome;
  if (room->size() >= context_.max_members_per_channel) {
    outcome.full = true;
    if (room->empty()) rooms_.erase(channel);
    return outcome;
  }
  if (const auto world = world_positions_.find(self.account);
      world != world_positions_.end() && now - world->second.received < kPendingWorldSeconds) {
    self.position = PlacedPosition{world->second.position, PositionSource::World};
  }
  if (previous && *previous != channel) remove_locked(*previous, self.member);
  outcome.others = room->members();
  auto admission = room->admit(std::move(self), link);
  if (admission.self.position && admission.self.position->source == PositionSource::World) {
    room->place_from_world(admission.self.account, admission.self.position->position,
                           world_positions_[admission.self.account].received +
                               kWorldPrecedenceSeconds);
  }
  if (context_.forwarding && admission.self.position) {
    context_.forwarding->place(channel, admission.self.member, admission.self.position->position);
  }
  outcome.self = std::move(admission.self);
  outcome.hearing = std::move(admission.hearing);
  link->send(joined(outcome));
  room->push_positions();
  return outcome;
}

void SignallingHub::leave(core::ChannelId channel, const std::string& member) {
  std::lock_guard lock(mutex_);
  remove_locked(channel, member);
}

bool SignallingHub::relay(core::ChannelId channel, const std::string& from, const std::string& to,
                          const json& data) {
  std::lock_guard lock(mutex_);
  const auto* room = room_locked(channel);
  if (!room || !room->contains(from) || to == from) return false;
  return room->send_to(to, serialize({{"type", "signal"}, {"from", from}, {"data", data}}));
}

void SignallingHub::update_state(core::ChannelId channel, const std::string& member,
                                 std::optional<bool> muted, std::optional<bool> speaking) {
  std::lock_guard lock(mutex_);
  if (auto* room = room_locked(channel)) room->update_state(member, muted, speaking);
}

ChannelRoom::FloorResult SignallingHub::set_floor(core::ChannelId channel, const std::string& by,
                                                  const std::string& target, bool granted) {
  std::lock_guard lock(mutex_);
  auto* room = room_locked(channel);
  if (!room) return ChannelRoom::FloorResult::UnknownMember;
  const auto result = room->set_floor(by, target, granted);
  if (context_.forwarding && result == ChannelRoom::FloorResult::Changed) {
    for (const auto& member : room->members()) {
      context_.forwarding->set_floor(channel, member.member, member.floor);
    }
  }
  room->push_positions();  // hearing follows the floor at once
  return result;
}

void SignallingHub::set_hand(core::ChannelId channel, const std::string& member, bool raised) {
  std::lock_guard lock(mutex_);
  if (auto* room = room_locked(channel)) room->set_hand(member, raised);
}

bool SignallingHub::place(core::ChannelId channel, const std::string& member,
                          const core::Position& position, double now) {
  std::lock_guard lock(mutex_);
  auto* room = room_locked(channel);
  if (!room || !room->place(member, position, now)) return false;
  if (context_.forwarding) context_.forwarding->place(channel, member, position);
  return true;
}

void SignallingHub::remember_world_position_locked(const std::string& account,
                                                   const core::Position& position, double now) {
  if (world_positions_.size() >= kMaxPendingWorldPositions &&
      !world_positions_.contains(account)) {
    std::erase_if(world_positions_, [now](const auto& item) {
      return now - item.second.received >= kPendingWorldSeconds;
    });
    // Still full of fresh entries: forget an arbitrary one rather than grow without bound.
    if (world_positions_.size() >= kMaxPendingWorldPositions) {
      world_positions_.erase(world_positions_.begin());
    }
  }
  world_positions_[account] = {position, now};
}

void SignallingHub::place_from_world(const std::string& account, const core::Position& position,
                                     double now) {
  std::lock_guard lock(mutex_);
  remember_world_position_locked(account, position, now);
  for (auto& [id, room] : rooms_) {
    room.place_from_world(account, position, now + kWorldPrecedenceSeconds);
    if (!context_.forwarding) continue;
    for (const auto& member : room.members()) {
      if (member.account == account) context_.forwarding->place(id, member.member, position);
    }
  }
}

void SignallingHub::push_positions() {
  std::lock_guard lock(mutex_);
  for (auto& [id, room] : rooms_) room.push_positions();
}

std::size_t SignallingHub::member_count(core::ChannelId channel) {
  std::lock_guard lock(mutex_);
  const auto* room = room_locked(channel);
  return room ? room->size() : 0;
}

}  // namespace webvox::signalling
