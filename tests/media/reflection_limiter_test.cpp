// The bound on answers to sources that could be forged: per IPv4 address or IPv6 /64, and in
// total, refilling with time.
#include "media/reflection_limiter.hpp"

#include <gtest/gtest.h>

using namespace webvox;
using rtc::stun::TransportAddress;

namespace {

const rtc::stun::IceTime kStart = rtc::stun::IceTime{} + std::chrono::seconds(1000);

media::ReflectionLimiter::Limits small_limits() {
  media::ReflectionLimiter::Limits limits;
  limits.per_source_per_second = 1;
  limits.per_source_burst = 3;
  limits.sources_remembered = 16;
  limits.total_per_second = 100;
  limits.total_burst = 100;
  return limits;
}

int allowed(media::ReflectionLimiter& limiter, const TransportAddress& source, int tries,
            rtc::stun::IceTime now = kStart) {
  int count = 0;
  for (int i = 0; i < tries; ++i) count += limiter.allow(source, now) ? 1 : 0;
  return count;
}

}  // namespace

TEST(ReflectionLimiter, ABurstPerSourceThenItsRate) {
  media::ReflectionLimiter limiter(small_limits());
  const auto victim = TransportAddress::ipv4({192, 0, 2, 1}, 4000);
  EXPECT_EQ(allowed(limiter, victim, 10), 3);
  EXPECT_EQ(allowed(limiter, victim, 10, kStart + std::chrono::milliseconds(500)), 0);
  EXPECT_EQ(allowed(limiter, victim, 10, kStart + std::chrono::seconds(2)), 2);
}

TEST(ReflectionLimiter, PortsDoNotMakeNewSourcesButAddressesDo) {
  media::ReflectionLimiter limiter(small_limits());
  int answered = 0;
  for (std::uint16_t port = 1; port <= 50; ++port) {
    answered += limiter.allow(TransportAddress::ipv4({192, 0, 2, 1}, port), kStart) ? 1 : 0;
  }
  EXPECT_EQ(answered, 3);
  EXPECT_EQ(allowed(limiter, TransportAddress::ipv4({192, 0, 2, 2}, 1), 10), 3);
}

TEST(ReflectionLimiter, AnIpv6SlashSixtyFourIsOneSource) {
  media::ReflectionLimiter limiter(small_limits());
  int answered = 0;
  for (std::uint8_t host = 1; host <= 50; ++host) {
    answered +=
        limiter.allow(TransportAddress::ipv6(
                          {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, host}, 443),
                      kStart)
            ? 1
            : 0;
  }
  EXPECT_EQ(answered, 3);
  // The next /64 is another network.
  EXPECT_EQ(allowed(limiter,
                    TransportAddress::ipv6(
                        {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1}, 443),
                    10),
            3);
}

TEST(ReflectionLimiter, BoundsAllSourcesTogether) {
  auto limits = small_limits();
  limits.total_per_second = 10;
  limits.total_burst = 10;
  media::ReflectionLimiter limiter(limits);
  int answered = 0;
  for (std::uint8_t last = 1; last <= 100; ++last) {
    answered += limiter.allow(TransportAddress::ipv4({198, 51, 100, last}, 9), kStart) ? 1 : 0;
  }
  EXPECT_EQ(answered, 10);
}
