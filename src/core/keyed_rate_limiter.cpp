#include "core/keyed_rate_limiter.hpp"

#include <algorithm>

namespace webvox::core {

KeyedRateLimiter::KeyedRateLimiter(double rate, double burst, std::size_t capacity)
    : rate_(rate), burst_(burst), capacity_(std::max<std::size_t>(capacity, 1)) {}

bool KeyedRateLimiter::try_take(std::string_view key, double now_seconds) {
  const std::string name(key);
  auto found = buckets_.find(name);
  if (found == buckets_.end()) {
    if (buckets_.size() >= capacity_) {
      buckets_.erase(recency_.back());
      recency_.pop_back();
    }
    recency_.push_front(name);
    found = buckets_.emplace(name, Entry{TokenBucket(rate_, burst_), recency_.begin()}).first;
  } else {
    recency_.splice(recency_.begin(), recency_, found->second.recency);
  }
  return found->second.bucket.try_take(now_seconds);
}

}  // namespace webvox::core
