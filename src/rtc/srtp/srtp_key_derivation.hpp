#pragma once

#include <cstdint>
#include <span>

namespace webvox::rtc::srtp {

// What each session key derived from a master key is for: RFC 3711 §4.3.1 tells them apart by
// this label alone (RFC 7714 §11 reuses the same labels for AES-GCM).
enum class KeyLabel : std::uint8_t {
  RtpEncryption = 0,
  RtpAuthentication = 1,
  RtpSalt = 2,
  RtcpEncryption = 3,
  RtcpAuthentication = 4,
  RtcpSalt = 5,
};

// Fills `session_key` with the key for `label`: the AES-CM PRF of RFC 3711 §4.3.3 with a key
// derivation rate of 0 (one set of session keys for the life of the master key, as DTLS-SRTP
// uses). `master_key` is 16 bytes (AES-128); `master_salt` is 14 bytes, or 12 for AES-GCM,
// which RFC 7714 §11 pads with zeros on the right to the PRF's 112 bits. Throws
// std::invalid_argument for other sizes and std::runtime_error if libcrypto fails.
void derive_session_key(std::span<const std::uint8_t> master_key,
                        std::span<const std::uint8_t> master_salt, KeyLabel label,
                        std::span<std::uint8_t> session_key);

}  // namespace webvox::rtc::srtp
