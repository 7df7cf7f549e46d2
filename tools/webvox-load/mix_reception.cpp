#include "mix_reception.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "rtc/rtp/rtp_packet.hpp"

namespace webvox::load {

MixFrameCounts& MixFrameCounts::operator+=(const MixFrameCounts& other) {
  expected += other.expected;
  received += other.received;
  late += other.late;
  lost += other.lost;
  dtx += other.dtx;
  packets += other.packets;
  return *this;
}

void MixReception::record(std::span<const std::uint8_t> rtp, std::uint64_t arrived_ns) {
  const auto parsed = rtc::rtp::parse_rtp_packet(rtp);
  if (!parsed) return;
  const auto& packet = parsed.value();
  if (!ssrc_) {
    ssrc_ = packet.ssrc;
    last_timestamp_ = packet.timestamp;
  }
  if (packet.ssrc != *ssrc_) return;
  // Timestamps wrap at 2^32: steps are read as signed 32-bit differences.
  const auto step = static_cast<std::int32_t>(packet.timestamp - last_timestamp_);
  timestamp_ += step;
  last_timestamp_ = packet.timestamp;
  const bool audio = packet.payload.size() > kDtxBytes;
  const bool after_silence = !previous_audio_ || step > static_cast<std::int32_t>(kFrameSamples * 3 / 2);
  if (audio && (after_silence || arrivals_.empty())) onsets_.push_back(arrived_ns);
  if (step >= 0) previous_audio_ = audio;  // a reordered old packet says nothing of now
  const auto frame = static_cast<std::int64_t>(
      std::llround(static_cast<double>(timestamp_) / static_cast<double>(kFrameSamples)));
  arrivals_.push_back({arrived_ns, frame,
                       static_cast<std::uint16_t>(std::min<std::size_t>(packet.payload.size(), 0xffff))});
}

std::optional<std::int64_t> MixReception::anchor_ns() const {
  if (arrivals_.empty()) return std::nullopt;
  std::int64_t anchor = std::numeric_limits<std::int64_t>::max();
  for (const auto& arrival : arrivals_) {
    anchor = std::min(anchor, static_cast<std::int64_t>(arrival.arrived_ns) -
                                  arrival.frame * static_cast<std::int64_t>(kFrameNs));
  }
  return anchor;
}

namespace {
// The first frame due at or after `t`: ceil((t - anchor) / frame).
std::int64_t first_frame_due(std::int64_t t, std::int64_t anchor) {
  const auto since = t - anchor;
  const auto frame = static_cast<std::int64_t>(MixReception::kFrameNs);
  return since >= 0 ? (since + frame - 1) / frame : -((-since) / frame);
}
}  // namespace

template <typename Visit>
void MixReception::for_each_due(const MeasurementWindow& window, std::int64_t anchor, Visit&& visit) const {
  const auto begin = first_frame_due(static_cast<std::int64_t>(window.start_ns), anchor);
  const auto end = first_frame_due(static_cast<std::int64_t>(window.end_ns), anchor);
  for (const auto& arrival : arrivals_) {
    if (arrival.frame < begin || arrival.frame >= end) continue;
    const auto due = anchor + arrival.frame * static_cast<std::int64_t>(kFrameNs);
    visit(arrival, static_cast<std::uint64_t>(arrival.frame - begin),
          static_cast<std::int64_t>(arrival.arrived_ns) - due);
  }
}

MixFrameCounts MixReception::count(const MeasurementWindow& window, std::uint64_t late_after_ns) const {
  MixFrameCounts counts;
  const auto window_frames = (window.end_ns - window.start_ns) / kFrameNs;
  const auto anchor = anchor_ns();
  if (!anchor) {
    counts.expected = counts.lost = window_frames;
    return counts;
  }
  const auto begin = first_frame_due(static_cast<std::int64_t>(window.start_ns), *anchor);
  const auto end = first_frame_due(static_cast<std::int64_t>(window.end_ns), *anchor);
  counts.expected = static_cast<std::uint64_t>(std::max<std::int64_t>(end - begin, 0));
  std::vector<bool> seen(counts.expected, false);
  for_each_due(window, *anchor, [&](const Arrival& arrival, std::uint64_t index, std::int64_t behind) {
    ++counts.packets;
    if (arrival.bytes <= kDtxBytes) {
      ++counts.dtx;
      return;
    }
    if (seen[index]) return;  // a duplicate
    seen[index] = true;
    ++counts.received;
    if (behind > static_cast<std::int64_t>(late_after_ns)) ++counts.late;
  });
  counts.lost = counts.expected - counts.received;
  return counts;
}

void MixReception::lateness(const MeasurementWindow& window, LatencyHistogram& into) const {
  const auto anchor = anchor_ns();
  if (!anchor) return;
  for_each_due(window, *anchor, [&](const Arrival& arrival, std::uint64_t, std::int64_t behind) {
    if (arrival.bytes > kDtxBytes) into.record(static_cast<std::uint64_t>(std::max<std::int64_t>(behind, 0)));
  });
}

}  // namespace webvox::load
