// What a listener's `ug` value means (shared/spec/viewer-webrtc.md §4.1, §8.1). The viewer
// sends volume × 220 from its per-speaker slider (volume 0..1, default 0.5 → 110), and
// volume × 200 when it restores a stored volume on a peer's join; LL's own server reading is
// not public. webvox takes 110 (the slider's default) as unity, so an untouched slider plays
// a speaker as it is, and the slider's top doubles it.
#pragma once

#include <cstdint>

namespace webvox::viewer {

inline constexpr std::uint32_t kUnityUserGain = 110;
inline constexpr double kMaxUserGain = 2.0;

// The linear gain for a `ug` value: ug / 110, at most 2.
double user_gain(std::uint32_t ug);

}  // namespace webvox::viewer
