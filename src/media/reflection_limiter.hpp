// Bounds what webvoxd sends to sources that have not proven they are where they claim to be.
// A UDP STUN request has no handshake, so its source address can be forged: answering every
// plain Binding request would let anyone aim webvoxd's answers at a third party. Answers are
// limited per source network (an IPv4 address, an IPv6 /64: one victim, whatever the port or
// host part) and in total, so the traffic webvoxd can be made to reflect stays small. No I/O,
// no clock: time is passed in.
#pragma once

#include <cstddef>

#include "base/keyed_rate_limiter.hpp"
#include "base/token_bucket.hpp"
#include "rtc/stun/ice_lite_session.hpp"
#include "rtc/stun/transport_address.hpp"

namespace webvox::media {

class ReflectionLimiter {
 public:
  struct Limits {
    // A viewer refreshes its server-reflexive address every 10 s or so per connection; a
    // NAT with dozens of viewers stays well inside this.
    double per_source_per_second = 20;
    double per_source_burst = 40;
    std::size_t sources_remembered = 8192;
    double total_per_second = 5000;
    double total_burst = 5000;
  };

  ReflectionLimiter() : ReflectionLimiter(Limits{}) {}
  explicit ReflectionLimiter(const Limits& limits);

  // True (and one answer is counted against `source`) when an answer may go to `source` now.
  bool allow(const rtc::stun::TransportAddress& source, rtc::stun::IceTime now);

 private:
  base::KeyedRateLimiter per_source_;
  base::TokenBucket total_;
};

}  // namespace webvox::media
