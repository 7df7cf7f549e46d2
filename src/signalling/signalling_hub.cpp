#include "signalling/signalling_hub.hpp"

#include "core/secure_random.hpp"
#include "signalling/signalling_session.hpp"

namespace webvox::signalling {

using nlohmann::json;

SignallingHub::SignallingHub(SignallingContext context) : context_(std::move(context)) {}

std::shared_ptr<SignallingSession> SignallingHub::connect(std::shared_ptr<PeerLink> link) {
  return std::make_shared<SignallingSession>(*this, std::move(link), core::random_url_token(9));
}

void SignallingHub::broadcast(const Room& room, const std::string& except,
                              const std::string& message) {
  for (const auto& [id, entry] : room) {
    if (id != except) entry.link->send(message);
  }
}

void SignallingHub::remove_locked(core::ChannelId channel, const std::string& member) {
  const auto room = rooms_.find(channel);
  if (room == rooms_.end() || room->second.erase(member) == 0) return;
  broadcast(room->second, member, serialize({{"type", "member-left"}, {"member", member}}));
  if (room->second.empty()) rooms_.erase(room);
}

SignallingHub::JoinOutcome SignallingHub::join(core::ChannelId channel, const MemberInfo& self,
                                               std::shared_ptr<PeerLink> link) {
  std::lock_guard lock(mutex_);
  auto& room = rooms_[channel];
  for (auto it = room.begin(); it != room.end(); ++it) {
    if (it->second.info.account == self.account && it->first != self.member) {
      const auto replaced = it->second;
      replaced.link->send(error_message(nullptr, "replaced",
                                        "this account joined the channel from another connection"));
      replaced.link->close(close_code::kReplaced, "replaced");
      remove_locked(channel, replaced.info.member);
      break;
    }
  }
  auto& current = rooms_[channel];  // remove_locked may have erased an emptied room
  JoinOutcome outcome;
  if (current.size() >= context_.max_members_per_channel) {
    outcome.full = true;
    if (current.empty()) rooms_.erase(channel);
    return outcome;
  }
  for (const auto& [id, entry] : current) outcome.others.push_back(entry.info);
  broadcast(current, self.member, serialize({{"type", "member-joined"}, {"member", to_json(self)}}));
  current[self.member] = Entry{self, std::move(link)};
  return outcome;
}

void SignallingHub::leave(core::ChannelId channel, const std::string& member) {
  std::lock_guard lock(mutex_);
  remove_locked(channel, member);
}

bool SignallingHub::relay(core::ChannelId channel, const std::string& from, const std::string& to,
                          const json& data) {
  std::lock_guard lock(mutex_);
  const auto room = rooms_.find(channel);
  if (room == rooms_.end() || !room->second.contains(from)) return false;
  const auto target = room->second.find(to);
  if (target == room->second.end() || to == from) return false;
  target->second.link->send(serialize({{"type", "signal"}, {"from", from}, {"data", data}}));
  return true;
}

void SignallingHub::update_state(core::ChannelId channel, const std::string& member,
                                 std::optional<bool> muted, std::optional<bool> speaking) {
  std::lock_guard lock(mutex_);
  const auto room = rooms_.find(channel);
  if (room == rooms_.end()) return;
  const auto entry = room->second.find(member);
  if (entry == room->second.end()) return;
  auto& info = entry->second.info;
  if (muted) info.muted = *muted;
  if (speaking) info.speaking = *speaking;
  if (info.muted) info.speaking = false;  // a muted member is never heard
  broadcast(room->second, member,
            serialize({{"type", "member-state"},
                       {"member", member},
                       {"muted", info.muted},
                       {"speaking", info.speaking}}));
}

std::size_t SignallingHub::member_count(core::ChannelId channel) {
  std::lock_guard lock(mutex_);
  const auto room = rooms_.find(channel);
  return room == rooms_.end() ? 0 : room->second.size();
}

}  // namespace webvox::signalling
