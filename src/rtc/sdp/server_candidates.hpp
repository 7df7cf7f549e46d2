// The ICE-lite server's own candidates: host candidates only, UDP first, then RFC 6544
// passive TCP, for every advertised address.
#pragma once

#include <vector>

#include "rtc/sdp/candidate.hpp"
#include "rtc/sdp/local_description.hpp"

namespace webvox::rtc::sdp {

std::vector<Candidate> server_candidates(const ServerTransport& transport);

}  // namespace webvox::rtc::sdp
