#include "media/reflection_limiter.hpp"

#include <chrono>
#include <string>

namespace webvox::media {
namespace {

constexpr std::size_t kIpv6NetworkBytes = 8;  // a /64: what one site or host is given

// The source's network, as bytes: the family, then the IPv4 address or the IPv6 /64.
std::string network_key(const rtc::stun::TransportAddress& source) {
  const auto size =
      source.family == rtc::stun::AddressFamily::IPv4 ? source.address_size() : kIpv6NetworkBytes;
  std::string key(1, static_cast<char>(source.family));
  key.append(reinterpret_cast<const char*>(source.address.data()), size);
  return key;
}

}  // namespace

ReflectionLimiter::ReflectionLimiter(const Limits& limits)
    : per_source_(limits.per_source_per_second, limits.per_source_burst, limits.sources_remembered),
      total_(limits.total_per_second, limits.total_burst) {}

bool ReflectionLimiter::allow(const rtc::stun::TransportAddress& source, rtc::stun::IceTime now) {
  return per_source_.try_take(network_key(source), now) && total_.try_take(now);
}

}  // namespace webvox::media
