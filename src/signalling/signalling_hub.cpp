#include "signalling/signalling_hub.hpp"

#include <algorithm>

#include "base/secure_random.hpp"
#include "signalling/signalling_session.hpp"

namespace webvox::signalling {

using nlohmann::json;

SignallingHub::SignallingHub(SignallingContext context) : context_(std::move(context)) {}

std::shared_ptr<SignallingSession> SignallingHub::connect(std::shared_ptr<PeerLink> link,
                                                          std::string source) {
  return std::make_shared<SignallingSession>(*this, std::move(link), base::random_url_token(9),
                                             std::move(source));
}

SignallingHub::Census SignallingHub::census() {
  Census census;
  census.sessions = static_cast<std::size_t>(std::max<std::int64_t>(0, tally_->sessions.load()));
  census.signed_in = static_cast<std::size_t>(std::max<std::int64_t>(0, tally_->signed_in.load()));
  std::lock_guard lock(mutex_);
  for (const auto& [channel, room] : rooms_) {
    const auto viewers = room.viewer_count();
    census.viewer_members += viewers;
    if (room.forwarding() == core::ForwardingMode::Sfu) {
      ++census.forwarded_channels;
      census.forwarded_members += room.size() - viewers;
    } else {
      ++census.mesh_channels;
      census.mesh_members += room.size() - viewers;
    }
  }
  return census;
}

ChannelRoom* SignallingHub::room_locked(core::ChannelId channel) {
  const auto room = rooms_.find(channel);
  return room == rooms_.end() ? nullptr : &room->second;
}

void SignallingHub::remove_locked(core::ChannelId channel, const std::string& member) {
  auto* room = room_locked(channel);
  if (!room || !room->contains(member)) return;
  if (auto* sfu = sfu_of_locked(*room)) sfu->leave(channel, member);
  room->remove(member);
  // The others' audible lists lost this member: the next position tick tells them (see join).
  if (room->empty()) erase_room_locked(channel);
}

void SignallingHub::erase_room_locked(core::ChannelId channel) {
  rooms_.erase(channel);
  operator_muted_.erase(operator_muted_.lower_bound({channel, std::string()}),
                        operator_muted_.lower_bound({channel + 1, std::string()}));
}

void SignallingHub::refit_locked(core::ChannelId channel) {
  if (auto* room = room_locked(channel)) {
    switch_forwarding_locked(
        channel, *room, decide_locked(room->forwarding(), room->size(), room->viewer_count() > 0));
  }
}

core::ForwardingMode SignallingHub::decide_locked(core::ForwardingMode current, std::size_t members,
                                                  bool viewers) const {
  if (!context_.sfu) return core::ForwardingMode::Mesh;
  if (viewers) return core::ForwardingMode::Sfu;
  return context_.policy.decide(current, members);
}

SfuControl* SignallingHub::sfu_of_locked(const ChannelRoom& room) const {
  return room.forwarding() == core::ForwardingMode::Sfu ? context_.sfu : nullptr;
}

void SignallingHub::switch_forwarding_locked(core::ChannelId channel, ChannelRoom& room,
                                             core::ForwardingMode next) {
  if (room.forwarding() == next) return;
  room.set_forwarding(next);
  const auto slots = context_.sfu ? context_.sfu->slots() : 0;
  room.broadcast("", serialize(forwarding_message(next, slots)));
  const auto members = room.members();
  if (next == core::ForwardingMode::Sfu) {
    // The SFU only hears of facts while a channel is forwarded: catch it up.
    for (const auto& member : members) {
      if (member.position) context_.sfu->place(channel, member.member, member.position->position);
      context_.sfu->set_floor(channel, member.member, member.floor);
      if (member.operator_muted) context_.sfu->set_silenced(channel, member.member, true);
    }
  } else {
    for (const auto& member : members) context_.sfu->leave(channel, member.member);
  }
}

SignallingHub::JoinOutcome SignallingHub::join(
    core::ChannelId channel, const core::ChannelProperties& properties, MemberInfo self,
    std::shared_ptr<PeerLink> link, std::optional<core::ChannelId> previous, base::SteadyTime now,
    const std::function<std::string(const JoinOutcome&)>& joined) {
  std::lock_guard lock(mutex_);
  JoinOutcome outcome;
  if (const auto wait = kicked_.remaining(channel, self.account, now)) {
    outcome.kicked = *wait;
    return outcome;
  }
  self.operator_muted = operator_muted_.contains({channel, self.account});
  const auto empty_room = [&] {
    return ChannelRoom(properties, decide_locked(core::ForwardingMode::Mesh, 0, false));
  };
  auto* room = &rooms_.try_emplace(channel, empty_room()).first->second;
  if (const auto older = room->other_connection_of(self.account, self.member)) {
    room->send_to(*older, error_message(nullptr, "replaced",
                                        "this account joined the channel from another connection"));
    room->close_member(*older, close_code::kReplaced, "replaced");
    // Not re-decided here: the newcomer takes its place at once, so the count is unchanged
    // and a reload must not flip the channel.
    remove_locked(channel, *older);
    room = &rooms_.try_emplace(channel, empty_room()).first->second;  // may have been emptied
  }
  if (room->size() - room->viewer_count() >= context_.max_members_per_channel) {
    outcome.full = true;
    if (room->empty()) erase_room_locked(channel);
    return outcome;
  }
  if (const auto world = world_positions_.find(self.account);
      world != world_positions_.end() && now - world->second.received < kPendingWorld) {
    self.position = PlacedPosition{world->second.position, PositionSource::World};
  }
  if (previous && *previous != channel) {
    remove_locked(*previous, self.member);
    refit_locked(*previous);
  }
  switch_forwarding_locked(
      channel, *room,
      decide_locked(room->forwarding(), room->size() + 1, room->viewer_count() > 0));
  outcome.others = room->members();
  auto admission = room->admit(std::move(self), link);
  if (admission.self.position && admission.self.position->source == PositionSource::World) {
    room->place_from_world(admission.self.account, admission.self.position->position,
                           world_positions_[admission.self.account].received + kWorldPrecedence);
  }
  auto* sfu = sfu_of_locked(*room);
  if (sfu && admission.self.position) {
    sfu->place(channel, admission.self.member, admission.self.position->position);
  }
  if (admission.self.operator_muted) {
    // Kept even if replacing an older connection emptied the room a moment ago.
    operator_muted_.insert({channel, admission.self.account});
    if (sfu) sfu->set_silenced(channel, admission.self.member, true);
  }
  outcome.self = std::move(admission.self);
  outcome.hearing = std::move(admission.hearing);
  outcome.forwarding = room->forwarding();
  outcome.slots = sfu ? sfu->slots() : 0;
  link->send(joined(outcome));
  // Joining does not push positions at once: `joined` carries the newcomer's own hearing and
  // the others' positions, and the others learn of it in their audible lists at the next
  // position tick (at most kPositionPush later). Pushing on every join made a crowd
  // arriving together cost O(N) pushes of O(N)-long lists each: hundreds of megabytes of JSON
  // for 200 members joining within a second.
  return outcome;
}

namespace {

// Where what the channel says to a viewer member goes: nowhere (its viewer hears of the
// channel through viewer voice's SLData).
class NoLink final : public PeerLink {
 public:
  void send(std::string) override {}
  void close(std::uint16_t, std::string) override {}
};

}  // namespace

bool SignallingHub::join_viewer(core::ChannelId channel, const core::ChannelProperties& properties,
                                MemberInfo self) {
  std::lock_guard lock(mutex_);
  if (!context_.sfu) return false;
  auto* room =
      &rooms_
           .try_emplace(channel,
                        ChannelRoom(properties, decide_locked(core::ForwardingMode::Mesh, 0, true)))
           .first->second;
  if (room->contains(self.member)) return true;
  self.viewer = true;
  self.operator_muted = operator_muted_.contains({channel, self.account});
  switch_forwarding_locked(channel, *room, core::ForwardingMode::Sfu);
  auto admission = room->admit(std::move(self), std::make_shared<NoLink>());
  if (auto* sfu = sfu_of_locked(*room)) {
    if (admission.self.position)
      sfu->place(channel, admission.self.member, admission.self.position->position);
    sfu->set_floor(channel, admission.self.member, admission.self.floor);
    if (admission.self.operator_muted) sfu->set_silenced(channel, admission.self.member, true);
  }
  return true;
}

void SignallingHub::leave(core::ChannelId channel, const std::string& member) {
  std::lock_guard lock(mutex_);
  remove_locked(channel, member);
  refit_locked(channel);
}

SignallingHub::RelayResult SignallingHub::relay(core::ChannelId channel, const std::string& from,
                                                const std::string& to, const json& data) {
  std::lock_guard lock(mutex_);
  const auto* room = room_locked(channel);
  if (!room || !room->contains(from) || to == from || !room->contains(to)) {
    return RelayResult::UnknownMember;
  }
  if (room->forwarding() != core::ForwardingMode::Mesh) return RelayResult::NotMesh;
  room->send_to(to, serialize({{"type", "signal"}, {"from", from}, {"data", data}}));
  return RelayResult::Relayed;
}

bool SignallingHub::negotiate(core::ChannelId channel, const std::string& member, core::Role role,
                              std::string sdp, std::shared_ptr<PeerLink> link, json id) {
  std::lock_guard lock(mutex_);
  const auto* room = room_locked(channel);
  auto* sfu = room && room->contains(member) ? sfu_of_locked(*room) : nullptr;
  if (!sfu) return false;
  sfu->negotiate(channel, room->properties(), member, role, std::move(sdp), std::move(link),
                 std::move(id));
  return true;
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
  auto* sfu = sfu_of_locked(*room);
  if (sfu && result == ChannelRoom::FloorResult::Changed) {
    for (const auto& member : room->members()) {
      sfu->set_floor(channel, member.member, member.floor);
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
                          const core::Position& position, base::SteadyTime now) {
  std::lock_guard lock(mutex_);
  auto* room = room_locked(channel);
  if (!room || !room->place(member, position, now)) return false;
  if (auto* sfu = sfu_of_locked(*room)) sfu->place(channel, member, position);
  return true;
}

void SignallingHub::remember_world_position_locked(const std::string& account,
                                                   const core::Position& position,
                                                   base::SteadyTime now) {
  if (world_positions_.size() >= kMaxPendingWorldPositions && !world_positions_.contains(account)) {
    std::erase_if(world_positions_,
                  [now](const auto& item) { return now - item.second.received >= kPendingWorld; });
    // Still full of fresh entries: forget an arbitrary one rather than grow without bound.
    if (world_positions_.size() >= kMaxPendingWorldPositions) {
      world_positions_.erase(world_positions_.begin());
    }
  }
  world_positions_[account] = {position, now};
}

void SignallingHub::place_from_world(const std::string& account, const core::Position& position,
                                     base::SteadyTime now) {
  std::lock_guard lock(mutex_);
  remember_world_position_locked(account, position, now);
  for (auto& [id, room] : rooms_) {
    room.place_from_world(account, position, now + kWorldPrecedence);
    auto* sfu = sfu_of_locked(room);
    if (!sfu) continue;
    for (const auto& member : room.members()) {
      if (member.account == account) sfu->place(id, member.member, position);
    }
  }
}

void SignallingHub::push_positions() {
  std::lock_guard lock(mutex_);
  for (auto& [id, room] : rooms_) room.push_positions();
}

std::optional<std::string> SignallingHub::account_of(core::ChannelId channel,
                                                     const std::string& member) {
  std::lock_guard lock(mutex_);
  const auto* room = room_locked(channel);
  const auto* info = room ? room->find(member) : nullptr;
  if (!info) return std::nullopt;
  return info->account;
}

std::size_t SignallingHub::member_count(core::ChannelId channel) {
  std::lock_guard lock(mutex_);
  const auto* room = room_locked(channel);
  return room ? room->size() : 0;
}

std::optional<core::ForwardingMode> SignallingHub::forwarding(core::ChannelId channel) {
  std::lock_guard lock(mutex_);
  const auto* room = room_locked(channel);
  if (!room) return std::nullopt;
  return room->forwarding();
}

std::vector<SignallingHub::ChannelView> SignallingHub::channels() {
  std::lock_guard lock(mutex_);
  std::vector<ChannelView> out;
  out.reserve(rooms_.size());
  for (const auto& [id, room] : rooms_) out.push_back({id, room.forwarding(), room.members()});
  std::sort(out.begin(), out.end(),
            [](const ChannelView& a, const ChannelView& b) { return a.channel < b.channel; });
  return out;
}

std::optional<SignallingHub::ChannelView> SignallingHub::channel_view(core::ChannelId channel) {
  std::lock_guard lock(mutex_);
  const auto* room = room_locked(channel);
  if (!room) return std::nullopt;
  return ChannelView{channel, room->forwarding(), room->members()};
}

namespace {

std::vector<MemberInfo> members_of(const ChannelRoom& room, const std::string& account) {
  std::vector<MemberInfo> out;
  for (auto& member : room.members()) {
    if (member.account == account) out.push_back(std::move(member));
  }
  return out;
}

}  // namespace

SignallingHub::OperatorOutcome SignallingHub::kick(core::ChannelId channel, std::string_view uri,
                                                   const std::string& account, base::SteadyTime now,
                                                   std::chrono::seconds cooldown) {
  std::lock_guard lock(mutex_);
  OperatorOutcome outcome;
  const auto* room = room_locked(channel);
  if (!room) return {OperatorResult::UnknownChannel, {}};
  outcome.members = members_of(*room, account);
  if (outcome.members.empty()) return {OperatorResult::UnknownMember, {}};
  kicked_.note(channel, account, now, now + cooldown);
  const auto message = removed_message(uri, RemovalReason::Kicked, cooldown);
  for (const auto& member : outcome.members) {
    if (const auto* still = room_locked(channel)) still->send_to(member.member, message);
    remove_locked(channel, member.member);
  }
  refit_locked(channel);
  return outcome;
}

SignallingHub::OperatorOutcome SignallingHub::set_operator_muted(core::ChannelId channel,
                                                                 const std::string& account,
                                                                 bool muted) {
  std::lock_guard lock(mutex_);
  OperatorOutcome outcome;
  auto* room = room_locked(channel);
  if (!room) return {OperatorResult::UnknownChannel, {}};
  outcome.members = members_of(*room, account);
  if (outcome.members.empty()) return {OperatorResult::UnknownMember, {}};
  auto* sfu = sfu_of_locked(*room);
  for (const auto& member : outcome.members) {
    room->set_operator_muted(member.member, muted);
    if (sfu) sfu->set_silenced(channel, member.member, muted);
  }
  if (muted) {
    operator_muted_.insert({channel, account});
  } else {
    operator_muted_.erase({channel, account});
  }
  return outcome;
}

bool SignallingHub::operator_muted(core::ChannelId channel, const std::string& account) {
  std::lock_guard lock(mutex_);
  return operator_muted_.contains({channel, account});
}

SignallingHub::OperatorOutcome SignallingHub::close(core::ChannelId channel, std::string_view uri) {
  std::lock_guard lock(mutex_);
  auto* room = room_locked(channel);
  if (!room) return {OperatorResult::UnknownChannel, {}};
  OperatorOutcome outcome{OperatorResult::Done, room->members()};
  room->broadcast("", removed_message(uri, RemovalReason::Closed, std::nullopt));
  if (auto* sfu = sfu_of_locked(*room)) {
    for (const auto& member : outcome.members) sfu->leave(channel, member.member);
  }
  erase_room_locked(channel);
  return outcome;
}

}  // namespace webvox::signalling
