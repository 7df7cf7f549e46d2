#pragma once

#include <string>
#include <string_view>

namespace webvox::app {

// The key under which the credential throttle counts a client's failures: its IPv4 address,
// or the /64 of its IPv6 address (one host usually holds a whole /64, so counting single
// IPv6 addresses would let it guess from 2^64 of them). "2001:db8:1:2::/64". Text that is
// not an address is kept as it is (tests; an empty address).
std::string source_key(std::string_view peer_address);

}  // namespace webvox::app
