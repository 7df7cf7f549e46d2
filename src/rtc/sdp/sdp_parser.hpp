// Text → SessionDescription. Pure, bounded by SdpLimits, never throws.
#pragma once

#include <string_view>

#include "base/expected.hpp"
#include "rtc/sdp/parse_error.hpp"
#include "rtc/sdp/sdp_limits.hpp"
#include "rtc/sdp/session_description.hpp"

namespace webvox::rtc::sdp {

// Lines end in CRLF, a bare LF (hand-written and some signalling paths lose the CR) or a lone
// CR (the SL viewer's munged offer). A second a=fmtp for one payload type in one section is
// merged into the first (later parameters override earlier ones of the same name).
base::Expected<SessionDescription, ParseError> parse_session_description(
    std::string_view text, const SdpLimits& limits = {});

}  // namespace webvox::rtc::sdp
