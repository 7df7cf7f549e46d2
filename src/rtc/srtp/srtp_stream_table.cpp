#include "rtc/srtp/srtp_stream_table.hpp"

namespace webvox::rtc::srtp {

namespace {
constexpr std::uint64_t kIndexMask = (std::uint64_t{1} << 48) - 1;
constexpr std::uint32_t kHalfSequenceSpace = 1u << 15;
constexpr std::uint64_t kSequenceSpace = 1u << 16;
}  // namespace

std::uint64_t RtpIndexTracker::estimate(std::uint16_t sequence) const {
  if (!started_) return sequence;
  const auto highest_sequence = static_cast<std::uint16_t>(highest_ & 0xffff);
  std::uint64_t roc = highest_ >> 16;
  if (highest_sequence < kHalfSequenceSpace) {
    // A sequence number far above the highest is a late packet from before the last wrap.
    if (sequence > highest_sequence &&
        static_cast<std::uint32_t>(sequence - highest_sequence) > kHalfSequenceSpace && roc > 0) {
      --roc;
    }
  } else if (sequence < highest_sequence - kHalfSequenceSpace) {
    // One far below the highest is the first of the next wrap.
    ++roc;
  }
  return ((roc << 16) | sequence) & kIndexMask;
}

void RtpIndexTracker::advance(std::uint64_t index) {
  if (!started_ || index > highest_) highest_ = index;
  started_ = true;
}

StreamState* StreamTable::find(std::uint32_t ssrc) {
  if (last_found_ < streams_.size() && streams_[last_found_].ssrc == ssrc) {
    return &streams_[last_found_];
  }
  for (std::size_t at = 0; at < streams_.size(); ++at) {
    if (streams_[at].ssrc == ssrc) {
      last_found_ = at;
      return &streams_[at];
    }
  }
  return nullptr;
}

StreamState* StreamTable::add(std::uint32_t ssrc) {
  if (streams_.size() >= kMaxStreams) return nullptr;
  last_found_ = streams_.size();
  return &streams_.emplace_back(ssrc);
}

}  // namespace webvox::rtc::srtp
