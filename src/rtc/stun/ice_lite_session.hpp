// The state one ICE-lite session keeps between connectivity checks (RFC 8445 §2.5): a lite
// agent only answers checks, so its state is what the checks told it. Time comes from the
// caller: nothing here reads a clock.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "rtc/stun/transport_address.hpp"

namespace webvox::rtc::stun {

using IceClock = std::chrono::steady_clock;
using IceTime = IceClock::time_point;

struct IceCredentials {
  std::string ufrag;     // ice-ufrag of the server's SDP answer
  std::string password;  // ice-pwd: the key of every check's MESSAGE-INTEGRITY
};

enum class IceState {
  Checking,      // no valid check yet
  Connected,     // a valid check within the consent timeout
  Disconnected,  // consent expired: no valid check for kConsentTimeout (RFC 7675)
};

class IceLiteSession {
 public:
  // Browsers send a check at least every 5 s for consent (RFC 7675 §5.1); 30 s without one
  // means the peer is gone or revoked consent.
  static constexpr std::chrono::seconds kConsentTimeout{30};

  // remote_ufrag: the browser's ice-ufrag from its offer; empty accepts any (the USERNAME's
  // remote half is then not checked).
  explicit IceLiteSession(IceCredentials local, std::string remote_ufrag = {});

  const IceCredentials& local() const { return local_; }
  const std::string& remote_ufrag() const { return remote_ufrag_; }

  // Records a check that passed authentication. Returns true when it moved the nominated
  // address (the path media goes to), which the edge must then follow.
  bool on_valid_check(const TransportAddress& from, bool use_candidate, IceTime now);

  IceState state(IceTime now) const;
  // Where to send media: the address the latest USE-CANDIDATE came from.
  const std::optional<TransportAddress>& nominated_address() const { return nominated_; }

 private:
  IceCredentials local_;
  std::string remote_ufrag_;
  std::optional<IceTime> last_valid_check_;
  std::optional<TransportAddress> nominated_;
};

}  // namespace webvox::rtc::stun
