// The candidates of a Janus "trickle" request as os-webrtc-janus sends them (spec §3.4):
// "candidate" (one object) or "candidates" (an array of objects), each
// {"candidate":"<attribute value>","sdpMid","sdpMLineIndex"} with or without the
// "candidate:" prefix, or {"completed":true}. Any extra top-level member ("viewer_session")
// is ignored.
#pragma once

#include <cstddef>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/expected.hpp"
#include "rtc/sdp/candidate.hpp"
#include "viewer/janus_api_error.hpp"

namespace webvox::viewer {

struct TrickleCandidates {
  std::vector<rtc::sdp::Candidate> candidates;
  bool completed = false;
  std::size_t rejected = 0;    // entries that are not a candidate this server can parse
  std::size_t over_limit = 0;  // entries beyond max_candidates, not looked at
};

using TrickleParse = base::Expected<TrickleCandidates, JanusFailure>;

// Janus's own errors where Janus gives them (neither or both of candidate/candidates,
// candidates not an array); bad entries are skipped and counted, not refused.
TrickleParse parse_janus_trickle(const nlohmann::json& root, std::size_t max_candidates);

}  // namespace webvox::viewer
