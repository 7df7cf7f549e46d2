#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "base/expected.hpp"
#include "rtc/srtp/srtp_keying.hpp"
#include "rtc/srtp/srtp_stream_table.hpp"

namespace webvox::rtc {

namespace srtp {
class CipherSuite;
}

enum class SrtpError {
  AuthenticationFailed,  // forged, corrupted, or keyed differently
  Replayed,              // seen before (or too old for the replay window)
  BufferTooSmall,        // protect needs the trailer's room after the packet
  Malformed,             // too short or not RTP/RTCP
  Failed,                // the session is for the other direction, or libcrypto failed
  TooManyStreams,        // a new SSRC beyond srtp::StreamTable::kMaxStreams
};

// A packet's new length after protect or unprotect, or why there is none.
using SrtpResult = base::Expected<std::size_t, SrtpError>;

// One direction of SRTP and SRTCP (RFC 3711, RFC 7714 for AES-GCM) for every SSRC of a
// transport, with keys from the DTLS handshake: an Outbound session protects, an Inbound one
// unprotects (any SSRC, each with its own rollover counter and replay window of 1024 packets).
// Built on libcrypto's EVP ciphers; works in place on the caller's buffer and allocates nothing
// per packet (only for a new SSRC). Not thread-safe.
class SrtpSession {
 public:
  enum class Direction { Inbound, Outbound };
  // Room protect may need after the packet. This implementation needs at most 20 bytes (GCM's
  // tag and SRTCP's index); the bound stays at libsrtp's worst case (tag and MKI room, plus the
  // index) because forwarding buffers are sized with this number.
  static constexpr std::size_t kMaxTrailer = 16 + 128 + 4;

  SrtpSession(SrtpProfile profile, const SrtpMasterKey& key, Direction direction);
  ~SrtpSession();
  SrtpSession(const SrtpSession&) = delete;
  SrtpSession& operator=(const SrtpSession&) = delete;

  // Encrypts the first `length` bytes of `buffer` in place; the new length, or an error.
  // Protecting the same sequence number again is allowed (unchanged retransmissions).
  SrtpResult protect_rtp(std::span<std::uint8_t> buffer, std::size_t length);
  SrtpResult protect_rtcp(std::span<std::uint8_t> buffer, std::size_t length);
  // Verifies and decrypts `packet` in place; the plaintext length, or an error (after which
  // the packet's bytes are unspecified: AES-GCM decrypts while it verifies).
  SrtpResult unprotect_rtp(std::span<std::uint8_t> packet);
  SrtpResult unprotect_rtcp(std::span<std::uint8_t> packet);

 private:
  // The state of `ssrc`, added if new; nullptr when the table is full.
  srtp::StreamState* stream_for(std::uint32_t ssrc);

  std::unique_ptr<srtp::CipherSuite> suite_;
  srtp::StreamTable streams_;
  Direction direction_;
};

}  // namespace webvox::rtc
