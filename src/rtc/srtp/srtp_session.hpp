#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>

#include "rtc/dtls/srtp_keying.hpp"

struct srtp_ctx_t_;

namespace webvox::rtc {

enum class SrtpError {
  AuthenticationFailed,  // forged, corrupted, or keyed differently
  Replayed,              // seen before (or too old for the replay window)
  BufferTooSmall,        // protect needs kMaxTrailer bytes of room after the packet
  Malformed,             // too short or not RTP/RTCP
  Failed,                // anything else libsrtp reports
};

// One direction of SRTP and SRTCP (RFC 3711, RFC 7714 for AES-GCM) for every SSRC of a
// transport, with keys from the DTLS handshake. Wraps libsrtp2; works in place on the
// caller's buffer, so forwarding allocates nothing per packet. Not thread-safe.
class SrtpSession {
 public:
  enum class Direction { Inbound, Outbound };
  // Bytes protect may need after the packet: libsrtp's worst case (tag and MKI room), plus
  // SRTCP's 4-byte index.
  static constexpr std::size_t kMaxTrailer = 16 + 128 + 4;

  SrtpSession(SrtpProfile profile, const SrtpMasterKey& key, Direction direction);
  ~SrtpSession();
  SrtpSession(const SrtpSession&) = delete;
  SrtpSession& operator=(const SrtpSession&) = delete;

  // Encrypts the first `length` bytes of `buffer` in place; the new length, or an error.
  std::variant<std::size_t, SrtpError> protect_rtp(std::span<std::uint8_t> buffer,
                                                   std::size_t length);
  std::variant<std::size_t, SrtpError> protect_rtcp(std::span<std::uint8_t> buffer,
                                                    std::size_t length);
  // Verifies and decrypts `packet` in place; the plaintext length, or an error.
  std::variant<std::size_t, SrtpError> unprotect_rtp(std::span<std::uint8_t> packet);
  std::variant<std::size_t, SrtpError> unprotect_rtcp(std::span<std::uint8_t> packet);

 private:
  srtp_ctx_t_* session_ = nullptr;
};

}  // namespace webvox::rtc
