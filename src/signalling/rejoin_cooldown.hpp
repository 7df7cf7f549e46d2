#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "base/steady_time.hpp"
#include "core/channel.hpp"

namespace webvox::signalling {

// Accounts the grid's operator kicked out of a channel (docs/admin.md), kept out of that
// channel for a while. Bounded: at most kMaxEntries; when full, expired entries go first, then
// the one that ends soonest. Not thread-safe: the hub serialises access.
class RejoinCooldown {
 public:
  static constexpr std::chrono::seconds kDefault{60};
  static constexpr std::size_t kMaxEntries = 10000;

  // `account` may not join `channel` again before `until` (a later note extends, never
  // shortens).
  void note(core::ChannelId channel, const std::string& account, base::SteadyTime now,
            base::SteadyTime until);
  // How long `account` must still wait, in whole seconds rounded up; nothing when it may join.
  std::optional<std::chrono::seconds> remaining(core::ChannelId channel, const std::string& account,
                                                base::SteadyTime now) const;
  // Forgets every entry that has ended.
  void expire(base::SteadyTime now);
  std::size_t size() const { return until_.size(); }

 private:
  std::map<std::pair<core::ChannelId, std::string>, base::SteadyTime> until_;
};

}  // namespace webvox::signalling
