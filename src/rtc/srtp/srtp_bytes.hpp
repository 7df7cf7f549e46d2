#pragma once

#include <cstdint>

// Network byte order in and out of packet buffers, for the SRTP code.
namespace webvox::rtc::srtp {

inline std::uint32_t load_be32(const std::uint8_t* at) {
  return (std::uint32_t{at[0]} << 24) | (std::uint32_t{at[1]} << 16) |
         (std::uint32_t{at[2]} << 8) | at[3];
}

inline void store_be32(std::uint8_t* at, std::uint32_t value) {
  at[0] = static_cast<std::uint8_t>(value >> 24);
  at[1] = static_cast<std::uint8_t>(value >> 16);
  at[2] = static_cast<std::uint8_t>(value >> 8);
  at[3] = static_cast<std::uint8_t>(value);
}

// XORs `value` big-endian into the `bytes` bytes at `at` (IVs are salts XORed with fields).
inline void xor_be(std::uint8_t* at, std::uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i, value >>= 8) at[i] ^= static_cast<std::uint8_t>(value);
}

}  // namespace webvox::rtc::srtp
