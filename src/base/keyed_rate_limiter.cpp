#include "base/keyed_rate_limiter.hpp"

namespace webvox::base {

KeyedRateLimiter::KeyedRateLimiter(double rate, double burst, std::size_t capacity)
    : rate_(rate), burst_(burst), buckets_(capacity) {}

bool KeyedRateLimiter::try_take(std::string_view key, SteadyTime now) {
  auto& bucket = buckets_.touch(key);
  if (!bucket) bucket.emplace(rate_, burst_);
  return bucket->try_take(now);
}

}  // namespace webvox::base
