// What one viewer received of the stream mixed for it, judged frame by frame against the
// server's own schedule, so that webvoxd and Janus AudioBridge are held to the same rule:
//
//  * The schedule: the mix is one 20 ms frame per RTP timestamp step of 960 (48 kHz). Frame f
//    is due at  anchor + f · 20 ms, where the anchor is the earliest any frame of the stream
//    arrived relative to its timestamp (the least delayed packet of the whole run, connect
//    time included): the server's clock, as seen over this host's loopback.
//  * Expected: the frames due inside the measurement window (window length / 20 ms, to within
//    one frame).
//  * Received: expected frames that arrived (at any time before the run ended) carrying
//    audio, i.e. more than a DTX frame (Opus payload over 2 bytes; webvoxd sends a 1-byte
//    frame every 400 ms to a listener who hears nobody).
//  * Late: received frames that reached the socket more than `late_after` behind their due
//    time (a viewer's jitter buffer would have played concealment in their place).
//  * Lost: expected − received (sequence gaps, frames never sent, and DTX where audio was due).
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

  // One decrypted RTP packet and when it reached the socket (CLOCK_MONOTONIC ns). Packets of
  // an SSRC other than the first one seen, and what is not RTP, are ignored.
  void record(std::span<const std::uint8_t> rtp, std::uint64_t arrived_ns);

  MixFrameCounts count(const MeasurementWindow& window, std::uint64_t late_after_ns) const;
  // How far behind its due time each received frame of the window arrived (for percentiles).
  void lateness(const MeasurementWindow& window, LatencyHistogram& into) const;
  std::uint64_t packets() const { return arrivals_.size(); }
  // Arrival times (ns) of every onset, in order.
  const std::vector<std::uint64_t>& onsets() const { return onsets_; }

 private:
  struct Arrival {
    std::uint64_t arrived_ns = 0;
    std::int64_t frame = 0;  // timestamp since the first packet's, in 960-sample frames
    std::uint16_t bytes = 0;
  };
  std::optional<std::int64_t> anchor_ns() const;
  template <typename Visit>
  void for_each_due(const MeasurementWindow& window, std::int64_t anchor, Visit&& visit) const;

  std::optional<std::uint32_t> ssrc_;
  std::uint32_t last_timestamp_ = 0;
  std::int64_t timestamp_ = 0;  // unwrapped, relative to the first packet's
  std::vector<Arrival> arrivals_;
  std::vector<std::uint64_t> onsets_;
  bool previous_audio_ = false;
};

}  // namespace webvox::load
