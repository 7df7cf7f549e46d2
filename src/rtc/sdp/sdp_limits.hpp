// Bounds on what the parser accepts, so a hostile description costs little memory and time.
#pragma once

#include <cstddef>

namespace webvox::rtc::sdp {

struct SdpLimits {
  // The signalling protocol already drops descriptions above 32 KiB (docs/signalling.md).
  std::size_t max_bytes = 32 * 1024;
  std::size_t max_lines = 2048;
  // Real attributes (candidates with extensions, long fmtp lists) stay well below this.
  std::size_t max_line_bytes = 1024;
  // A listener has a send track, a data channel and a few dozen slots at most.
  std::size_t max_media_sections = 64;
  // Per level (the session, or one media section).
  std::size_t max_attributes_per_level = 256;
  // Per payload type of a section, over all its a=fmtp lines (Opus uses about eight).
  std::size_t max_format_parameters = 64;
};

}  // namespace webvox::rtc::sdp
