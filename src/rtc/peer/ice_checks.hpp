#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rtc/stun/ice_lite_session.hpp"
#include "rtc/stun/stun_constants.hpp"
#include "rtc/stun/transport_address.hpp"

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
  // The answer to the peer's own check of the path, signed with our password; none when
  // `datagram` is not an authentic Binding request for us. webvoxd never checks, but a full
  // agent does (libnice, even in Janus's ICE-lite mode, calls a path connected only after its
  // own check on it succeeded). A peer that claims the controlling role too gets 487: we keep
  // ours, and the controlled role is the only one an ICE-lite peer may take anyway.
  std::optional<std::vector<std::uint8_t>> answer_request(
      std::span<const std::uint8_t> datagram, const stun::TransportAddress& source) const;

 private:
  stun::IceCredentials local_;
  stun::IceCredentials remote_;
  std::uint64_t tie_breaker_;
  std::vector<stun::TransactionId> sent_;
};

}  // namespace webvox::rtc
