// The one audio format the mixer works in: 48 kHz, 20 ms ticks, float samples in [-1, 1].
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace webvox::mixer {

// Time as the caller's clock gives it: the mixer has no clock of its own.
using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

inline constexpr int kSampleRate = 48000;
// One mix per tick; every listener's packet carries one tick of audio.
inline constexpr std::chrono::milliseconds kTickDuration{20};
inline constexpr std::size_t kTickSamples = 960;  // per channel
// Opus works in multiples of 2.5 ms; its longest packet is 120 ms (RFC 6716 §3.2.1).
inline constexpr std::size_t kOpusGranuleSamples = 120;
inline constexpr std::size_t kMaxPacketSamples = 5760;
// A speaker's payload above this is refused: no voice packet comes near it, and one UDP
// datagram after SRTP cannot carry much more.
inline constexpr std::size_t kMaxPayloadBytes = 1500;
// The encoder's output bound: the most one Opus frame can take (RFC 6716 §3.2.1).
inline constexpr std::size_t kMaxEncodedBytes = 1275;

}  // namespace webvox::mixer
