#include "signalling/rejoin_cooldown.hpp"

#include <algorithm>

namespace webvox::signalling {

void RejoinCooldown::note(core::ChannelId channel, const std::string& account, base::SteadyTime now,
                          base::SteadyTime until) {
  auto key = std::pair{channel, account};
  if (const auto it = until_.find(key); it != until_.end()) {
    it->second = std::max(it->second, until);
    return;
  }
  if (until_.size() >= kMaxEntries) {
    // Whatever has ended is free; else the entry closest to its end makes room.
    expire(now);
    if (until_.size() >= kMaxEntries) {
      until_.erase(std::min_element(until_.begin(), until_.end(), [](const auto& a, const auto& b) {
        return a.second < b.second;
      }));
    }
  }
  until_.emplace(std::move(key), until);
}

std::optional<std::chrono::seconds> RejoinCooldown::remaining(core::ChannelId channel,
                                                              const std::string& account,
                                                              base::SteadyTime now) const {
  const auto it = until_.find({channel, account});
  if (it == until_.end() || it->second <= now) return std::nullopt;
  return std::chrono::ceil<std::chrono::seconds>(it->second - now);
}

void RejoinCooldown::expire(base::SteadyTime now) {
  std::erase_if(until_, [now](const auto& entry) { return entry.second <= now; });
}

}  // namespace webvox::signalling
