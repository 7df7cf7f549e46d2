// Network byte order (big-endian) on byte spans: the one reader and writer of multi-byte
// fields for every wire format (RTP/RTCP, STUN and ICE-TCP, SRTP, SCTP's DCEP). Callers check
// bounds first: these only assemble and split bytes, and index unchecked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace webvox::base::big_endian {

inline std::uint16_t read_u16(std::span<const std::uint8_t> bytes, std::size_t at) {
  return static_cast<std::uint16_t>((bytes[at] << 8) | bytes[at + 1]);
}

inline std::uint32_t read_u24(std::span<const std::uint8_t> bytes, std::size_t at) {
  return (std::uint32_t{bytes[at]} << 16) | (std::uint32_t{bytes[at + 1]} << 8) | bytes[at + 2];
}

inline std::uint32_t read_u32(std::span<const std::uint8_t> bytes, std::size_t at) {
  return (std::uint32_t{bytes[at]} << 24) | (std::uint32_t{bytes[at + 1]} << 16) |
         (std::uint32_t{bytes[at + 2]} << 8) | std::uint32_t{bytes[at + 3]};
}

inline std::uint64_t read_u64(std::span<const std::uint8_t> bytes, std::size_t at) {
  return (std::uint64_t{read_u32(bytes, at)} << 32) | read_u32(bytes, at + 4);
}

inline void write_u16(std::span<std::uint8_t> bytes, std::size_t at, std::uint16_t value) {
  bytes[at] = static_cast<std::uint8_t>(value >> 8);
  bytes[at + 1] = static_cast<std::uint8_t>(value);
}

inline void write_u24(std::span<std::uint8_t> bytes, std::size_t at, std::uint32_t value) {
  bytes[at] = static_cast<std::uint8_t>(value >> 16);
  bytes[at + 1] = static_cast<std::uint8_t>(value >> 8);
  bytes[at + 2] = static_cast<std::uint8_t>(value);
}

inline void write_u32(std::span<std::uint8_t> bytes, std::size_t at, std::uint32_t value) {
  bytes[at] = static_cast<std::uint8_t>(value >> 24);
  bytes[at + 1] = static_cast<std::uint8_t>(value >> 16);
  bytes[at + 2] = static_cast<std::uint8_t>(value >> 8);
  bytes[at + 3] = static_cast<std::uint8_t>(value);
}

// XORs the low `count` bytes of `value`, big-endian, into the bytes from `at` (SRTP builds its
// IVs by XORing packet fields into a salt).
inline void write_u64(std::span<std::uint8_t> bytes, std::size_t at, std::uint64_t value) {
  write_u32(bytes, at, static_cast<std::uint32_t>(value >> 32));
  write_u32(bytes, at + 4, static_cast<std::uint32_t>(value));
}

inline void xor_into(std::span<std::uint8_t> bytes, std::size_t at, std::uint64_t value,
                     std::size_t count) {
  for (std::size_t i = count; i-- > 0; value >>= 8)
    bytes[at + i] ^= static_cast<std::uint8_t>(value);
}

inline void append_u16(std::vector<std::uint8_t>& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value));
}

inline void append_u32(std::vector<std::uint8_t>& out, std::uint32_t value) {
  append_u16(out, static_cast<std::uint16_t>(value >> 16));
  append_u16(out, static_cast<std::uint16_t>(value));
}

inline void append_u64(std::vector<std::uint8_t>& out, std::uint64_t value) {
  append_u32(out, static_cast<std::uint32_t>(value >> 32));
  append_u32(out, static_cast<std::uint32_t>(value));
}

}  // namespace webvox::base::big_endian
