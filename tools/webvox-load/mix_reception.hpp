// What one viewer received of the stream mixed for it, judged frame by frame against the
// server's own clock, so that webvoxd and Janus AudioBridge are held to the same rule:
//
//  * The clock: the mix is one 20 ms frame per RTP timestamp step of 960 (48 kHz); a frame's
//    offset is its arrival minus its timestamp's time.
//  * Expected: the frames whose timestamps fall inside the measurement window, placed by the
//    least delayed frame that arrived in it (window length / 20 ms, to within one frame).
//  * Received: expected frames that arrived (at any time before the run ended) carrying
//    audio, i.e. more than a DTX frame (Opus payload over 2 bytes; webvoxd sends a 1-byte
//    frame every 400 ms to a listener who hears nobody).
//  * Late: received frames that reached the socket more than `late_after` behind the best
//    offset of the stream's preceding 2 s (kAnchorFrames): a jitter buffer settled on what
//    the stream did lately would have played concealment in their place. A server that falls
//    behind makes every later frame late; a stall makes the frames of the next 2 s late.
//  * Lost: expected − received (sequence gaps, frames never sent, and DTX where audio was due).
//  * Clock rate: the window's timestamp time over its arrival time; 1 for a server whose mix
//    keeps real time (a slow one drains every listener's buffer).
//  * Shift: how much later the window's best frame came than the whole stream's best (a stall
//    or a clock step before the window, e.g. while viewers were still connecting).
//
// Onsets: an audio frame right after silence (after a DTX frame, or after a timestamp jump of
// more than one frame, or the stream's first): where a talk spurt of the only speaker a
// listener hears starts, and so where the mixer's delay can be seen from outside (the
// speaker's first packet sent → this frame's arrival).
//
// Pure: packets in (with the kernel's arrival stamp), counts out.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "load_stats.hpp"

namespace webvox::load {

struct MixFrameCounts {
  std::uint64_t expected = 0;
  std::uint64_t received = 0;
  std::uint64_t late = 0;
  std::uint64_t lost = 0;
  std::uint64_t dtx = 0;      // DTX frames due inside the window
  std::uint64_t packets = 0;  // every packet due inside the window, duplicates included

  MixFrameCounts& operator+=(const MixFrameCounts& other);
};

class MixReception {
 public:
  static constexpr std::uint32_t kFrameSamples = 960;
  static constexpr std::uint64_t kFrameNs = 20'000'000;
  static constexpr std::size_t kDtxBytes = 2;
  static constexpr std::int64_t kAnchorFrames = 100;  // 2 s

  // One decrypted RTP packet and when it reached the socket (CLOCK_MONOTONIC ns). Packets of
  // an SSRC other than the first one seen, and what is not RTP, are ignored.
  void record(std::span<const std::uint8_t> rtp, std::uint64_t arrived_ns);

  MixFrameCounts count(const MeasurementWindow& window, std::uint64_t late_after_ns) const;
  // How far behind its due time each received frame of the window arrived (for percentiles);
  // with `by_second`, also into the histogram of the window's second the frame was due in
  // (whether lateness is a step, as after a stall, or grows, as when a server falls behind).
  void lateness(const MeasurementWindow& window, LatencyHistogram& into,
                std::vector<LatencyHistogram>* by_second = nullptr) const;
  // Timestamp time over arrival time across the window (first to last audio frame arrived
  // in it); none with fewer than two.
  std::optional<double> clock_rate(const MeasurementWindow& window) const;
  // The window's best offset minus the whole stream's best, in ns; none without frames in it.
  std::optional<std::int64_t> shift_before(const MeasurementWindow& window) const;
  std::uint64_t packets() const { return arrivals_.size(); }
  // Arrival times (ns) of every onset, in order.
  const std::vector<std::uint64_t>& onsets() const { return onsets_; }

 private:
  struct Arrival {
    std::uint64_t arrived_ns = 0;
    std::int64_t frame = 0;  // timestamp since the first packet's, in 960-sample frames
    std::uint16_t bytes = 0;
  };
  static std::int64_t offset(const Arrival& arrival);
  // The smallest offset of the frames that arrived inside `window`, and of all frames.
  std::pair<std::optional<std::int64_t>, std::optional<std::int64_t>> best_offsets(
      const MeasurementWindow& window) const;
  // The smallest offset among the frames that arrived inside `window` (all of them when none
  // did); none without frames.
  std::optional<std::int64_t> window_anchor(const MeasurementWindow& window) const;
  // For each arrival (same order): the best offset of the stream's frames in the kAnchorFrames
  // frames up to and including its own.
  std::vector<std::int64_t> recent_best() const;
  // Each frame expected in the window: visit(arrival, index in the window, ns behind).
  template <typename Visit>
  void for_each_due(const MeasurementWindow& window, Visit&& visit) const;
  // The window's frame range: [begin, end) in frames.
  std::pair<std::int64_t, std::int64_t> window_frames(const MeasurementWindow& window,
                                                      std::int64_t anchor) const;

  std::optional<std::uint32_t> ssrc_;
  std::uint32_t last_timestamp_ = 0;
  std::int64_t timestamp_ = 0;  // unwrapped, relative to the first packet's
  std::vector<Arrival> arrivals_;
  std::vector<std::uint64_t> onsets_;
  bool previous_audio_ = false;
};

}  // namespace webvox::load
