#include "mix_reception.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
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
  const bool after_silence =
      !previous_audio_ || step > static_cast<std::int32_t>(kFrameSamples * 3 / 2);
  if (audio && (after_silence || arrivals_.empty())) onsets_.push_back(arrived_ns);
  if (step >= 0) previous_audio_ = audio;  // a reordered old packet says nothing of now
  const auto frame = static_cast<std::int64_t>(
      std::llround(static_cast<double>(timestamp_) / static_cast<double>(kFrameSamples)));
  arrivals_.push_back(
      {arrived_ns, frame,
       static_cast<std::uint16_t>(std::min<std::size_t>(packet.payload.size(), 0xffff))});
}

std::int64_t MixReception::offset(const Arrival& arrival) {
  return static_cast<std::int64_t>(arrival.arrived_ns) -
         arrival.frame * static_cast<std::int64_t>(kFrameNs);
}

std::pair<std::optional<std::int64_t>, std::optional<std::int64_t>> MixReception::best_offsets(
    const MeasurementWindow& window) const {
  std::optional<std::int64_t> inside, any;
  for (const auto& arrival : arrivals_) {
    const auto value = offset(arrival);
    any = any ? std::min(*any, value) : value;
    if (window.contains(arrival.arrived_ns)) inside = inside ? std::min(*inside, value) : value;
  }
  return {inside, any};
}

std::optional<std::int64_t> MixReception::window_anchor(const MeasurementWindow& window) const {
  const auto [inside, any] = best_offsets(window);
  return inside ? inside : any;
}

std::vector<std::int64_t> MixReception::recent_best() const {
  // Frames in timestamp order; a sliding minimum over the last kAnchorFrames (a monotonic
  // queue of candidates: increasing offsets, the oldest first).
  std::vector<std::size_t> order(arrivals_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return arrivals_[a].frame < arrivals_[b].frame;
  });
  std::vector<std::int64_t> best(arrivals_.size());
  std::deque<std::size_t> candidates;
  for (const auto i : order) {
    const auto value = offset(arrivals_[i]);
    while (!candidates.empty() && offset(arrivals_[candidates.back()]) >= value)
      candidates.pop_back();
    candidates.push_back(i);
    while (arrivals_[candidates.front()].frame < arrivals_[i].frame - kAnchorFrames)
      candidates.pop_front();
    best[i] = offset(arrivals_[candidates.front()]);
  }
  return best;
}

namespace {
// The first frame due at or after `t`: ceil((t - anchor) / frame).
std::int64_t first_frame_due(std::int64_t t, std::int64_t anchor) {
  const auto since = t - anchor;
  const auto frame = static_cast<std::int64_t>(MixReception::kFrameNs);
  return since >= 0 ? (since + frame - 1) / frame : -((-since) / frame);
}
}  // namespace

std::pair<std::int64_t, std::int64_t> MixReception::window_frames(const MeasurementWindow& window,
                                                                  std::int64_t anchor) const {
  return {first_frame_due(static_cast<std::int64_t>(window.start_ns), anchor),
          first_frame_due(static_cast<std::int64_t>(window.end_ns), anchor)};
}

template <typename Visit>
void MixReception::for_each_due(const MeasurementWindow& window, Visit&& visit) const {
  const auto anchor = window_anchor(window);
  if (!anchor) return;
  const auto [begin, end] = window_frames(window, *anchor);
  const auto best = recent_best();
  for (std::size_t i = 0; i < arrivals_.size(); ++i) {
    const auto& arrival = arrivals_[i];
    if (arrival.frame < begin || arrival.frame >= end) continue;
    visit(arrival, static_cast<std::uint64_t>(arrival.frame - begin), offset(arrival) - best[i]);
  }
}

MixFrameCounts MixReception::count(const MeasurementWindow& window,
                                   std::uint64_t late_after_ns) const {
  MixFrameCounts counts;
  const auto anchor = window_anchor(window);
  if (!anchor) {
    counts.expected = counts.lost = (window.end_ns - window.start_ns) / kFrameNs;
    return counts;
  }
  const auto [begin, end] = window_frames(window, *anchor);
  counts.expected = static_cast<std::uint64_t>(std::max<std::int64_t>(end - begin, 0));
  std::vector<bool> seen(counts.expected, false);
  for_each_due(window, [&](const Arrival& arrival, std::uint64_t index, std::int64_t behind) {
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

void MixReception::lateness(const MeasurementWindow& window, LatencyHistogram& into,
                            std::vector<LatencyHistogram>* by_second) const {
  for_each_due(window, [&](const Arrival& arrival, std::uint64_t index, std::int64_t behind) {
    if (arrival.bytes <= kDtxBytes) return;
    const auto late_ns = static_cast<std::uint64_t>(std::max<std::int64_t>(behind, 0));
    into.record(late_ns);
    const auto second = index * kFrameNs / 1'000'000'000;
    if (by_second && second < by_second->size()) (*by_second)[second].record(late_ns);
  });
}

std::optional<double> MixReception::clock_rate(const MeasurementWindow& window) const {
  const Arrival* first = nullptr;
  const Arrival* last = nullptr;
  for (const auto& arrival : arrivals_) {
    if (arrival.bytes <= kDtxBytes || !window.contains(arrival.arrived_ns)) continue;
    if (!first) first = &arrival;
    last = &arrival;
  }
  if (!first || first == last || last->arrived_ns == first->arrived_ns) return std::nullopt;
  return static_cast<double>((last->frame - first->frame) * static_cast<std::int64_t>(kFrameNs)) /
         static_cast<double>(last->arrived_ns - first->arrived_ns);
}

std::optional<std::int64_t> MixReception::shift_before(const MeasurementWindow& window) const {
  const auto [inside, any] = best_offsets(window);
  if (!inside) return std::nullopt;
  return *inside - *any;
}

}  // namespace webvox::load
