#include "load_layout.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace webvox::load {
namespace {

constexpr double kCentre = 128;     // metres, the middle of a standard region
constexpr double kCrowdRadius = 4;  // everyone within 8 m of each other: full gain
constexpr double kGroupRadius = 2;
constexpr double kGroupSpacing = 100;  // beyond any channel's maximum range (≤ 60 m by default)
constexpr std::size_t kGroupsPerRow = 16;

Spot on_circle(double cx, double cy, double radius, std::size_t index, std::size_t count) {
  const double angle = 2 * std::numbers::pi * static_cast<double>(index) /
                       static_cast<double>(std::max<std::size_t>(count, 1));
  return {cx + radius * std::cos(angle), cy + radius * std::sin(angle), 25};
}

}  // namespace

Layout::Layout(LayoutSettings settings) : settings_(settings) {
  if (settings_.arrangement == Arrangement::Culled) {
    const auto size = std::max<std::size_t>(settings_.group_size, 1);
    groups_ = std::max<std::size_t>((settings_.members + size - 1) / size, 1);
  }
}

Spot Layout::spot(std::size_t member) const {
  if (settings_.arrangement == Arrangement::Crowded) {
    return on_circle(kCentre, kCentre, kCrowdRadius, member, settings_.members);
  }
  const auto group = group_of(member);
  const double cx = kGroupSpacing * static_cast<double>(1 + group % kGroupsPerRow);
  const double cy = kGroupSpacing * static_cast<double>(1 + group / kGroupsPerRow);
  return on_circle(cx, cy, kGroupRadius, member / groups_, settings_.group_size);
}

std::uint8_t Layout::level(std::size_t member) const {
  return static_cast<std::uint8_t>(10 + member % 30);
}

std::vector<std::size_t> Layout::received_speakers(std::size_t member) const {
  std::vector<std::size_t> heard;
  for (std::size_t speaker = 0; speaker < settings_.speakers; ++speaker) {
    if (speaker != member && group_of(speaker) == group_of(member)) heard.push_back(speaker);
  }
  std::stable_sort(heard.begin(), heard.end(),
                   [this](std::size_t a, std::size_t b) { return level(a) < level(b); });
  if (heard.size() > settings_.slots) heard.resize(settings_.slots);
  return heard;
}

}  // namespace webvox::load
