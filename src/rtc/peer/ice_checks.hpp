#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "rtc/stun/ice_lite_session.hpp"
#include "rtc/stun/stun_constants.hpp"

namespace webvox::rtc {

// The controlling side of ICE against a lite server, as a browser plays it: what webvox's own
// load generator and tests use to reach webvoxd the way a browser does.
class IceControllingChecks {
 public:
  IceControllingChecks(stun::IceCredentials local, stun::IceCredentials remote);

  // A Binding request that nominates the path (aggressive nomination: USE-CANDIDATE on every
  // check), signed with the server's password.
  std::vector<std::uint8_t> next_request();
  // True when `datagram` is an authentic success response to one of our requests.
  bool accept_response(std::span<const std::uint8_t> datagram) const;

 private:
  stun::IceCredentials local_;
  stun::IceCredentials remote_;
  std::uint64_t tie_breaker_;
  std::vector<stun::TransactionId> sent_;
};

}  // namespace webvox::rtc
