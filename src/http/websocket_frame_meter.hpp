#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "base/token_bucket.hpp"

namespace webvox::http {

// Follows the frame boundaries in the bytes a WebSocket peer sends (RFC 6455 §5.2) and charges
// every frame against limits. Beast 1.74 hands the application whole messages and skips empty
// and control frames inside its read, where no limit sees them: a peer sending empty
// continuation frames forever never completes a message, so message rate limits and
// "first message" deadlines alone let it keep a core busy. Reads the frame headers only (the
// payload is skipped by count), so it costs little per byte. Time is passed in (seconds, any
// monotonic origin).
class WebSocketFrameMeter {
 public:
  struct Limits {
    std::size_t max_frames_per_message = 64;  // data frames, continuations included
    double frames_per_second = 100;           // every frame, control frames too
    double frame_burst = 400;
  };
  enum class Verdict {
    kWithinLimits,
    kTooManyFramesInMessage,
    kFrameRate,
  };

  explicit WebSocketFrameMeter(Limits limits)
      : limits_(limits), bucket_(limits.frames_per_second, limits.frame_burst) {}

  // The peer's bytes, in the order read. Once a limit is broken every later call returns that
  // verdict without looking at the bytes.
  Verdict feed(std::span<const unsigned char> bytes, base::SteadyTime now);

  std::uint64_t frames() const { return frames_; }  // headers seen in full
  std::uint64_t control_frames() const { return control_frames_; }
  std::uint64_t messages() const { return messages_; }  // final data frames seen
  Verdict verdict() const { return verdict_; }

 private:
  void on_header(base::SteadyTime now);

  Limits limits_;
  base::TokenBucket bucket_;
  std::array<unsigned char, 14> header_{};  // the longest header: 2 + 8 (length) + 4 (mask)
  std::size_t header_have_ = 0;
  std::size_t header_need_ = 2;
  std::uint64_t payload_left_ = 0;
  std::size_t frames_in_message_ = 0;
  std::uint64_t frames_ = 0;
  std::uint64_t control_frames_ = 0;
  std::uint64_t messages_ = 0;
  Verdict verdict_ = Verdict::kWithinLimits;
};

}  // namespace webvox::http
