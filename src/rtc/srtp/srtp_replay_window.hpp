#pragma once

#include <array>
#include <cstdint>

namespace webvox::rtc::srtp {

// Which packet indices of one stream have been accepted, for replay protection (RFC 3711
// §3.3.2): any index above the highest is new; below it, only the last kSize are remembered
// and anything older counts as replayed. Indices are SRTP's 48-bit or SRTCP's 31-bit ones.
class ReplayWindow {
 public:
  // Audio at 50 packets/s: 1024 packets cover 20 s of reordering, far past any jitter.
  static constexpr std::uint64_t kSize = 1024;

  // Whether `index` may be accepted: not seen before and not older than the window.
  bool is_fresh(std::uint64_t index) const;
  // Records `index` as accepted (call only after the packet authenticated).
  void accept(std::uint64_t index);

 private:
  bool seen(std::uint64_t index) const;
  void set(std::uint64_t index, bool value);

  bool started_ = false;
  std::uint64_t highest_ = 0;
  // Bit (index mod kSize) tells whether index was accepted, for the kSize indices up to highest_.
  std::array<std::uint64_t, kSize / 64> bits_{};
};

}  // namespace webvox::rtc::srtp
