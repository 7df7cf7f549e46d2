// SHA1_Init and friends are deprecated in OpenSSL 3 in favour of EVP, but they are the only
// libcrypto interface whose state can be copied without the heap (see the header).
#define OPENSSL_SUPPRESS_DEPRECATED
#include "rtc/srtp/srtp_hmac_sha1.hpp"

#include <openssl/crypto.h>

#include <stdexcept>

namespace webvox::rtc::srtp {

namespace {
constexpr std::size_t kBlockSize = 64;  // SHA-1's
}

HmacSha1::HmacSha1(std::span<const std::uint8_t> key) {
  std::array<std::uint8_t, kBlockSize> padded{};
  if (key.size() > kBlockSize) {
    SHA1(key.data(), key.size(), padded.data());
  } else {
    std::copy(key.begin(), key.end(), padded.begin());
  }
  std::array<std::uint8_t, kBlockSize> pad{};
  for (std::size_t i = 0; i < kBlockSize; ++i) pad[i] = padded[i] ^ 0x36;
  bool ok = SHA1_Init(&inner_) == 1 && SHA1_Update(&inner_, pad.data(), pad.size()) == 1;
  for (std::size_t i = 0; i < kBlockSize; ++i) pad[i] = padded[i] ^ 0x5c;
  ok = ok && SHA1_Init(&outer_) == 1 && SHA1_Update(&outer_, pad.data(), pad.size()) == 1;
  OPENSSL_cleanse(padded.data(), padded.size());
  OPENSSL_cleanse(pad.data(), pad.size());
  if (!ok) throw std::runtime_error("libcrypto cannot set up HMAC-SHA1");
}

HmacSha1::~HmacSha1() {
  OPENSSL_cleanse(&inner_, sizeof inner_);
  OPENSSL_cleanse(&outer_, sizeof outer_);
}

HmacSha1::Digest HmacSha1::mac(std::span<const std::uint8_t> message,
                               std::span<const std::uint8_t> suffix) const {
  Digest digest{};
  SHA_CTX state = inner_;
  SHA1_Update(&state, message.data(), message.size());
  SHA1_Update(&state, suffix.data(), suffix.size());
  SHA1_Final(digest.data(), &state);
  state = outer_;
  SHA1_Update(&state, digest.data(), digest.size());
  SHA1_Final(digest.data(), &state);
  return digest;
}

}  // namespace webvox::rtc::srtp
