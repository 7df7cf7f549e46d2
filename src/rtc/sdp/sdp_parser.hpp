// Text → SessionDescription. Pure, bounded by SdpLimits, never throws.
#pragma once

#include <string_view>

#include "rtc/sdp/expected.hpp"
#include "rtc/sdp/parse_error.hpp"
#include "rtc/sdp/sdp_limits.hpp"
#include "rtc/sdp/session_description.hpp"

namespace webvox::rtc::sdp {

// Lines end in CRLF or a bare LF (hand-written and some signalling paths lose the CR).
Expected<SessionDescription, ParseError> parse_session_description(std::string_view text,
                                                                   const SdpLimits& limits = {});

}  // namespace webvox::rtc::sdp
