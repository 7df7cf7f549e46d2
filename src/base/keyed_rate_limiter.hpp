#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "base/lru_table.hpp"
#include "base/token_bucket.hpp"

namespace webvox::base {

// One token bucket per key (an avatar, say), in bounded memory: at most `capacity` keys are
// remembered. When a new key arrives with the table full, the key seen longest ago is
// forgotten; that key starts again with a full bucket, so under a flood of distinct keys the
// limit for any one key can only get more lenient, never shut out a key that was not
// flooding. Not thread-safe; time is passed in.
class KeyedRateLimiter {
 public:
  KeyedRateLimiter(double rate, double burst, std::size_t capacity);

  bool try_take(std::string_view key, SteadyTime now);
  std::size_t size() const { return buckets_.size(); }

 private:
  double rate_;
  double burst_;
  LruTable<std::optional<TokenBucket>> buckets_;
};

}  // namespace webvox::base
