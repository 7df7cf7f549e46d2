#include "rtc/srtp/srtp_aes_cm_hmac.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>

#include "base/big_endian.hpp"
#include "rtc/srtp/srtp_key_derivation.hpp"

namespace webvox::rtc::srtp {

namespace {

constexpr std::size_t kRtcpFixedHeader = 8;  // V/P/RC, PT, length, sender SSRC
constexpr std::size_t kAuthKeySize = 20;     // RFC 3711 §8.2: n_a = 160 for HMAC-SHA1

// A derived HMAC key that wipes itself once the HMAC states are computed from it.
struct AuthKey {
  AuthKey(std::span<const std::uint8_t> master_key, std::span<const std::uint8_t> master_salt,
          KeyLabel label) {
    derive_session_key(master_key, master_salt, label, bytes);
  }
  ~AuthKey() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
  std::array<std::uint8_t, kAuthKeySize> bytes{};
};

// The tag is the first 80 bits of the HMAC; compared in constant time.
bool tag_matches(const HmacSha1::Digest& expected, std::span<const std::uint8_t> received) {
  return CRYPTO_memcmp(expected.data(), received.data(), received.size()) == 0;
}

}  // namespace

AesCmHmacSuite::Keyed::Keyed(std::span<const std::uint8_t> master_key,
                             std::span<const std::uint8_t> master_salt, bool rtcp)
    : mac(AuthKey(master_key, master_salt,
                  rtcp ? KeyLabel::RtcpAuthentication : KeyLabel::RtpAuthentication)
              .bytes) {
  std::array<std::uint8_t, 16> key{};
  derive_session_key(master_key, master_salt,
                     rtcp ? KeyLabel::RtcpEncryption : KeyLabel::RtpEncryption, key);
  derive_session_key(master_key, master_salt, rtcp ? KeyLabel::RtcpSalt : KeyLabel::RtpSalt, salt);
  context = EVP_CIPHER_CTX_new();
  const bool ok =
      context && EVP_EncryptInit_ex(context, EVP_aes_128_ctr(), nullptr, key.data(), nullptr) == 1;
  OPENSSL_cleanse(key.data(), key.size());
  if (!ok) {
    EVP_CIPHER_CTX_free(context);
    throw std::runtime_error("libcrypto cannot set up AES-128-CTR");
  }
}

AesCmHmacSuite::Keyed::~Keyed() {
  EVP_CIPHER_CTX_free(context);
  OPENSSL_cleanse(salt.data(), salt.size());
}

// RFC 3711 §4.1.1: IV = (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16), where the index is
// SRTP's 48-bit ROC || SEQ or SRTCP's 31-bit one.
void AesCmHmacSuite::Keyed::apply_keystream(std::uint32_t ssrc, std::uint64_t index,
                                            std::span<std::uint8_t> text) {
  if (text.empty()) return;
  std::array<std::uint8_t, 16> iv{};
  std::copy(salt.begin(), salt.end(), iv.begin());
  base::big_endian::xor_into(iv, 4, ssrc, 4);
  base::big_endian::xor_into(iv, 8, index, 6);
  int written = 0;
  // Setting only the IV keeps the key schedule and restarts the counter; nothing is allocated.
  const bool ok = EVP_EncryptInit_ex(context, nullptr, nullptr, nullptr, iv.data()) == 1 &&
                  EVP_EncryptUpdate(context, text.data(), &written, text.data(),
                                    static_cast<int>(text.size())) == 1;
  if (!ok) throw std::runtime_error("libcrypto failed to run AES-128-CTR");
}

AesCmHmacSuite::AesCmHmacSuite(std::span<const std::uint8_t> master_key,
                               std::span<const std::uint8_t> master_salt)
    : rtp_(master_key, master_salt, false), rtcp_(master_key, master_salt, true) {
  if (master_salt.size() != kSaltSize) {
    throw std::invalid_argument("AES-CM SRTP needs a 14-byte master salt");
  }
}

AesCmHmacSuite::~AesCmHmacSuite() = default;

void AesCmHmacSuite::protect_rtp(std::span<std::uint8_t> packet, std::size_t header_size,
                                 std::uint32_t ssrc, std::uint64_t index) {
  const auto length = packet.size() - kTagSize;
  rtp_.apply_keystream(ssrc, index, packet.subspan(header_size, length - header_size));
  std::array<std::uint8_t, 4> roc{};
  base::big_endian::write_u32(roc, 0, static_cast<std::uint32_t>(index >> 16));
  const auto digest = rtp_.mac.mac(packet.first(length), roc);
  std::copy_n(digest.begin(), kTagSize, packet.begin() + static_cast<std::ptrdiff_t>(length));
}

bool AesCmHmacSuite::unprotect_rtp(std::span<std::uint8_t> packet, std::size_t header_size,
                                   std::uint32_t ssrc, std::uint64_t index) {
  const auto length = packet.size() - kTagSize;
  std::array<std::uint8_t, 4> roc{};
  base::big_endian::write_u32(roc, 0, static_cast<std::uint32_t>(index >> 16));
  if (!tag_matches(rtp_.mac.mac(packet.first(length), roc), packet.subspan(length))) return false;
  rtp_.apply_keystream(ssrc, index, packet.subspan(header_size, length - header_size));
  return true;
}

// RFC 3711 §3.4: header (8 bytes) || ciphertext || E flag || 31-bit index || tag, the tag
// covering everything before it.
void AesCmHmacSuite::protect_rtcp(std::span<std::uint8_t> packet, std::uint32_t ssrc,
                                  std::uint32_t srtcp_index) {
  const auto length = packet.size() - 4 - kTagSize;
  rtcp_.apply_keystream(ssrc, srtcp_index,
                        packet.subspan(kRtcpFixedHeader, length - kRtcpFixedHeader));
  base::big_endian::write_u32(packet, length, 0x80000000u | srtcp_index);
  const auto digest = rtcp_.mac.mac(packet.first(length + 4), {});
  std::copy_n(digest.begin(), kTagSize, packet.begin() + static_cast<std::ptrdiff_t>(length + 4));
}

bool AesCmHmacSuite::unprotect_rtcp(std::span<std::uint8_t> packet, std::uint32_t ssrc,
                                    std::uint32_t srtcp_index, bool encrypted) {
  const auto length = packet.size() - 4 - kTagSize;
  if (!tag_matches(rtcp_.mac.mac(packet.first(length + 4), {}), packet.last(kTagSize))) {
    return false;
  }
  if (encrypted) {
    rtcp_.apply_keystream(ssrc, srtcp_index,
                          packet.subspan(kRtcpFixedHeader, length - kRtcpFixedHeader));
  }
  return true;
}

}  // namespace webvox::rtc::srtp
