// What the receivers measured, kept apart from the sockets: latency as a histogram, loss per
// (listener, speaker) stream from the probes' sequence numbers. Only probes sent inside the
// measurement window count, so warm-up (slots settling) and shutdown do not skew the result.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "load_packet.hpp"

namespace webvox::load {

// Latency in whole microseconds from 0 to kMaxMicros, anything longer in one overflow bucket:
// a fixed array makes recording free of allocation at 100 k packets/s.
class LatencyHistogram {
 public:
  static constexpr std::uint32_t kMaxMicros = 100'000;

  LatencyHistogram() : buckets_(kMaxMicros + 2, 0) {}
  void record(std::uint64_t nanoseconds);
  std::uint64_t count() const { return count_; }
  // The latency below which `fraction` (0–1) of the samples lie, in microseconds; the upper
  // edge of its bucket. kMaxMicros + 1 means "more than kMaxMicros".
  double percentile_micros(double fraction) const;
  double mean_micros() const { return count_ ? static_cast<double>(sum_ns_) / count_ / 1000 : 0; }
  double max_micros() const { return max_ns_ / 1000.0; }

 private:
  std::vector<std::uint64_t> buckets_;
  std::uint64_t count_ = 0;
  std::uint64_t sum_ns_ = 0;
  std::uint64_t max_ns_ = 0;
};

// One listener's view of the speakers it received.
class StreamLoss {
 public:
  void record(std::uint32_t speaker, std::uint32_t sequence);
  // Streams heard at all, packets received and packets expected (each stream from its first to
  // its last sequence number seen; a gap is loss, a stream that never arrives is not counted
  // here but in streams()).
  std::size_t streams() const { return streams_.size(); }
  std::uint64_t received() const;
  std::uint64_t expected() const;
  // What would have arrived had nothing been lost or held back past the window: for each
  // stream heard, every packet its speaker sent inside the window (`sent_by_speaker`). A server
  // that falls behind delivers late, not with gaps, so expected() alone would not see it.
  template <typename SentBySpeaker>
  std::uint64_t sent_to_us(const SentBySpeaker& sent_by_speaker) const {
    std::uint64_t total = 0;
    for (const auto& [speaker, stream] : streams_) total += sent_by_speaker(speaker);
    return total;
  }

 private:
  struct Stream {
    std::uint32_t first = 0, last = 0;
    std::uint64_t count = 0;
  };
  std::unordered_map<std::uint32_t, Stream> streams_;
};

struct MeasurementWindow {
  std::uint64_t start_ns = 0, end_ns = 0;  // CLOCK_MONOTONIC, on the probes' send times
  bool contains(std::uint64_t sent_ns) const { return sent_ns >= start_ns && sent_ns < end_ns; }
};

}  // namespace webvox::load
