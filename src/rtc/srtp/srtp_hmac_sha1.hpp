#pragma once

#include <array>
#include <cstdint>
#include <span>

#include <openssl/sha.h>

namespace webvox::rtc::srtp {

// HMAC-SHA1 (RFC 2104) with one key for many messages. The SHA-1 states after the key's inner
// and outer pads are computed once and copied per message: a plain struct copy, where
// EVP_MAC or HMAC_Init_ex re-initialise through libcrypto's providers and, in OpenSSL 3.0,
// duplicate digest contexts on the heap (bench/srtp_bench.cpp measures both).
class HmacSha1 {
 public:
  static constexpr std::size_t kDigestSize = 20;
  using Digest = std::array<std::uint8_t, kDigestSize>;

  explicit HmacSha1(std::span<const std::uint8_t> key);
  ~HmacSha1();
  HmacSha1(const HmacSha1&) = delete;
  HmacSha1& operator=(const HmacSha1&) = delete;

  // The MAC of `message` followed by `suffix` (SRTP appends the ROC to the packet).
  Digest mac(std::span<const std::uint8_t> message, std::span<const std::uint8_t> suffix) const;

 private:
  SHA_CTX inner_;
  SHA_CTX outer_;
};

}  // namespace webvox::rtc::srtp
