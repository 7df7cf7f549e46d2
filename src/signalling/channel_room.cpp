#include "signalling/channel_room.hpp"

#include <algorithm>

namespace webvox::signalling {

using nlohmann::json;

ChannelRoom::ChannelRoom(core::ChannelProperties properties, core::ForwardingMode forwarding)
    : properties_(properties), forwarding_(forwarding) {}

const MemberInfo* ChannelRoom::find(const std::string& member) const {
  const auto it = entries_.find(member);
  return it == entries_.end() ? nullptr : &it->second.info;
}

std::vector<MemberInfo> ChannelRoom::members() const {
  std::vector<MemberInfo> out;
  out.reserve(entries_.size());
  for (const auto& [id, entry] : entries_) out.push_back(entry.info);
  return out;
}

std::optional<std::string> ChannelRoom::other_connection_of(const std::string& account,
                                                            const std::string& except) const {
  for (const auto& [id, entry] : entries_) {
    if (entry.info.account == account && id != except) return id;
  }
  return std::nullopt;
}

std::vector<core::Hearing> ChannelRoom::decide() const {
  std::vector<core::HearingMember> members;
  members.reserve(entries_.size());
  for (const auto& [id, entry] : entries_) {
    const auto& info = entry.info;
    std::optional<core::Position> position;
    if (info.position) position = info.position->position;
    members.push_back({id, info.role, info.floor, position});
  }
  return core::decide_hearing(properties_, members);
}

std::size_t ChannelRoom::viewer_count() const {
  return static_cast<std::size_t>(
      std::count_if(entries_.begin(), entries_.end(),
                    [](const auto& entry) { return entry.second.info.viewer; }));
}

ChannelRoom::Admission ChannelRoom::admit(MemberInfo self, std::shared_ptr<PeerLink> link) {
  self.floor = core::has_floor_on_join(properties_.mode, self.role);
  self.hand = false;
  if (!self.floor) self.speaking = false;
  broadcast(self.member, serialize({{"type", "member-joined"}, {"member", to_json(self)}}));
  auto& entry = entries_[self.member];
  entry = Entry{};
  entry.info = self;
  entry.link = std::move(link);
  if (self.position) entry.position_version = ++version_;
  // The newcomer learns everything in `joined`; the others' lists change with it.
  const auto hearing = decide();
  const auto index = std::distance(entries_.begin(), entries_.find(self.member));
  entry.last_hearing = hearing[index];
  entry.seen_version = version_;
  dirty_ = true;
  return {self, hearing[index]};
}

void ChannelRoom::remove(const std::string& member) {
  if (entries_.erase(member) == 0) return;
  broadcast(member, serialize({{"type", "member-left"}, {"member", member}}));
  dirty_ = true;
}

bool ChannelRoom::send_to(const std::string& member, const std::string& message) const {
  const auto it = entries_.find(member);
  if (it == entries_.end()) return false;
  it->second.link->send(message);
  return true;
}

void ChannelRoom::close_member(const std::string& member, std::uint16_t code,
                               std::string reason) const {
  if (const auto it = entries_.find(member); it != entries_.end()) {
    it->second.link->close(code, std::move(reason));
  }
}

void ChannelRoom::broadcast(const std::string& except, const std::string& message) const {
  for (const auto& [id, entry] : entries_) {
    if (id != except) entry.link->send(message);
  }
}

void ChannelRoom::announce_state(const Entry& entry) const {
  broadcast(entry.info.member, serialize(member_state_message(entry.info)));
}

void ChannelRoom::update_state(const std::string& member, std::optional<bool> muted,
                               std::optional<bool> speaking) {
  const auto it = entries_.find(member);
  if (it == entries_.end()) return;
  auto& info = it->second.info;
  if (muted) info.muted = *muted;
  if (speaking) info.speaking = *speaking;
  if (info.muted || !info.floor || info.operator_muted) info.speaking = false;  // never heard
  announce_state(it->second);
}

bool ChannelRoom::set_operator_muted(const std::string& member, bool muted) {
  const auto it = entries_.find(member);
  if (it == entries_.end()) return false;
  auto& entry = it->second;
  entry.info.operator_muted = muted;
  if (muted) entry.info.speaking = false;
  const auto message = serialize(member_state_message(entry.info));
  entry.link->send(message);  // the member shows it is muted by the operator
  broadcast(entry.info.member, message);
  return true;
}

ChannelRoom::FloorResult ChannelRoom::set_floor(const std::string& by, const std::string& target,
                                                bool granted) {
  const auto moderator = entries_.find(by);
  if (moderator == entries_.end() || moderator->second.info.role != core::Role::Moderator) {
    return FloorResult::Forbidden;
  }
  if (!core::floor_is_moderated(properties_.mode)) return FloorResult::NotModerated;
  const auto it = entries_.find(target);
  if (it == entries_.end()) return FloorResult::UnknownMember;
  if (it->second.info.role == core::Role::Moderator) return FloorResult::Changed;  // always speak
  const auto change = [&](Entry& entry, bool floor) {
    if (entry.info.floor == floor && (!floor || !entry.info.hand)) return;
    entry.info.floor = floor;
    if (floor) entry.info.hand = false;
    if (!floor) entry.info.speaking = false;
    const auto message = serialize(member_state_message(entry.info));
    entry.link->send(message);  // the member itself must know it may (not) speak now
    broadcast(entry.info.member, message);
  };
  if (granted && core::floor_is_single(properties_.mode)) {
    for (auto& [id, entry] : entries_) {
      if (id != target && entry.info.role == core::Role::Participant) change(entry, false);
    }
  }
  change(it->second, granted);
  dirty_ = true;
  return FloorResult::Changed;
}

void ChannelRoom::set_hand(const std::string& member, bool raised) {
  const auto it = entries_.find(member);
  if (it == entries_.end() || !core::floor_is_moderated(properties_.mode)) return;
  if (it->second.info.hand == raised) return;
  it->second.info.hand = raised;
  announce_state(it->second);
}

void ChannelRoom::set_position(Entry& entry, const PlacedPosition& placed) {
  entry.info.position = placed;
  entry.position_version = ++version_;
  dirty_ = true;
}

bool ChannelRoom::place(const std::string& member, const core::Position& position,
                        base::SteadyTime now) {
  const auto it = entries_.find(member);
  if (it == entries_.end() || now < it->second.world_until) return false;
  set_position(it->second, {position, PositionSource::Client});
  return true;
}

void ChannelRoom::place_from_world(const std::string& account, const core::Position& position,
                                   base::SteadyTime precedence_until) {
  for (auto& [id, entry] : entries_) {
    if (entry.info.account != account) continue;
    entry.world_until = precedence_until;
    set_position(entry, {position, PositionSource::World});
  }
}

void ChannelRoom::push_positions() {
  if (!dirty_) return;
  dirty_ = false;
  // Viewers (one world) have no link to push to: webvoxd's mixer decides what they hear. With
  // no browser here there is nothing to decide, and no viewer keeps lists of who hears whom
  // (that was O(n²) work and memory in a region full of viewers).
  if (viewer_count() == entries_.size()) return;
  const auto hearing = decide();
  std::size_t index = 0;
  for (auto& [recipient_id, recipient] : entries_) {
    const auto& now_hearing = hearing[index++];
    if (recipient.info.viewer) continue;
    auto changed = json::array();
    for (const auto& [id, entry] : entries_) {
      if (entry.position_version <= recipient.seen_version || !entry.info.position) continue;
      // A client knows where it put itself; only the world moves it behind its back.
      const bool own = id == recipient_id;
      if (own && entry.info.position->source != PositionSource::World) continue;
      auto position = to_json(*entry.info.position);
      position["member"] = id;
      changed.push_back(std::move(position));
    }
    const bool hearing_changed = now_hearing.audible != recipient.last_hearing.audible ||
                                 now_hearing.listeners != recipient.last_hearing.listeners;
    recipient.seen_version = version_;
    if (changed.empty() && !hearing_changed) continue;
    recipient.last_hearing = now_hearing;
    recipient.link->send(serialize({{"type", "positions"},
                                    {"members", std::move(changed)},
                                    {"audible", now_hearing.audible},
                                    {"listeners", now_hearing.listeners}}));
  }
}

}  // namespace webvox::signalling
