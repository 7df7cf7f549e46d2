#include "rtc/stun/ice_lite_session.hpp"

#include <utility>

namespace webvox::rtc::stun {

IceLiteSession::IceLiteSession(IceCredentials local, std::string remote_ufrag)
    : local_(std::move(local)), remote_ufrag_(std::move(remote_ufrag)) {}

bool IceLiteSession::on_valid_check(const TransportAddress& from, bool use_candidate, IceTime now) {
  // Consent is per path in RFC 7675; one media path per session makes it per session here.
  if (!last_valid_check_ || now > *last_valid_check_) last_valid_check_ = now;
  if (!use_candidate || nominated_ == from) return false;
  // The controlling agent may nominate again (e.g. after a network change): latest wins.
  nominated_ = from;
  return true;
}

IceState IceLiteSession::state(IceTime now) const {
  if (!last_valid_check_) return IceState::Checking;
  return now - *last_valid_check_ >= kConsentTimeout ? IceState::Disconnected : IceState::Connected;
}

}  // namespace webvox::rtc::stun
