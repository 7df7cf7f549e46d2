#include "rtc/srtp/srtp_aes_gcm.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>

#include "base/big_endian.hpp"
#include "rtc/srtp/srtp_key_derivation.hpp"

namespace webvox::rtc::srtp {

namespace {

constexpr std::size_t kRtcpFixedHeader = 8;  // V/P/RC, PT, length, sender SSRC

EVP_CIPHER_CTX* keyed_context(std::span<const std::uint8_t> key) {
  EVP_CIPHER_CTX* context = EVP_CIPHER_CTX_new();
  // The default IV length of GCM is the 12 bytes SRTP uses, so only the key is set here.
  const bool ok = context && EVP_CipherInit_ex(context, EVP_aes_128_gcm(), nullptr, key.data(),
                                               nullptr, 1) == 1;
  if (!ok) {
    EVP_CIPHER_CTX_free(context);
    throw std::runtime_error("libcrypto cannot set up AES-128-GCM");
  }
  return context;
}

// libcrypto's int lengths; SRTP packets are far below INT_MAX (the session checks sizes).
int as_int(std::size_t size) { return static_cast<int>(size); }

}  // namespace

AesGcmSuite::SessionKeys AesGcmSuite::derive_session_keys(
    std::span<const std::uint8_t> master_key, std::span<const std::uint8_t> master_salt) {
  if (master_salt.size() != kSaltSize) {
    throw std::invalid_argument("AES-GCM SRTP needs a 12-byte master salt");
  }
  SessionKeys keys;
  derive_session_key(master_key, master_salt, KeyLabel::RtpEncryption, keys.rtp_key);
  derive_session_key(master_key, master_salt, KeyLabel::RtpSalt, keys.rtp_salt);
  derive_session_key(master_key, master_salt, KeyLabel::RtcpEncryption, keys.rtcp_key);
  derive_session_key(master_key, master_salt, KeyLabel::RtcpSalt, keys.rtcp_salt);
  return keys;
}

namespace {
// Session keys that are wiped once the suite holds them in its contexts.
struct WipedSessionKeys {
  ~WipedSessionKeys() { OPENSSL_cleanse(&keys, sizeof keys); }
  AesGcmSuite::SessionKeys keys;
};
}  // namespace

AesGcmSuite::AesGcmSuite(std::span<const std::uint8_t> master_key,
                         std::span<const std::uint8_t> master_salt)
    : AesGcmSuite(WipedSessionKeys{derive_session_keys(master_key, master_salt)}.keys) {}

AesGcmSuite::AesGcmSuite(const SessionKeys& keys) {
  try {
    rtp_.context = keyed_context(keys.rtp_key);
    rtp_.salt = keys.rtp_salt;
    rtcp_.context = keyed_context(keys.rtcp_key);
    rtcp_.salt = keys.rtcp_salt;
  } catch (...) {
    EVP_CIPHER_CTX_free(rtp_.context);
    EVP_CIPHER_CTX_free(rtcp_.context);
    throw;
  }
}

AesGcmSuite::~AesGcmSuite() {
  EVP_CIPHER_CTX_free(rtp_.context);
  EVP_CIPHER_CTX_free(rtcp_.context);
  OPENSSL_cleanse(rtp_.salt.data(), rtp_.salt.size());
  OPENSSL_cleanse(rtcp_.salt.data(), rtcp_.salt.size());
}

// RFC 7714 §8.1 and §9.1: the IV is 00 00 || SSRC || high || low, XORed with the session salt,
// where high || low is ROC || SEQ for SRTP and 00 00 || 0 || index for SRTCP.
AesGcmSuite::Nonce AesGcmSuite::nonce(const Keyed& keyed, std::uint32_t ssrc, std::uint32_t high,
                                      std::uint32_t low) {
  Nonce iv{};
  std::copy(keyed.salt.begin(), keyed.salt.end(), iv.begin());
  base::big_endian::xor_into(iv, 2, ssrc, 4);
  base::big_endian::xor_into(iv, 6, high, 4);
  base::big_endian::xor_into(iv, 10, low, 2);
  return iv;
}

bool AesGcmSuite::begin(const Keyed& keyed, const Nonce& nonce, bool encrypt,
                        std::span<const std::uint8_t> aad, std::span<const std::uint8_t> aad_tail,
                        std::span<std::uint8_t> text) {
  EVP_CIPHER_CTX* context = keyed.context;
  int written = 0;
  // Setting only the IV keeps the key schedule; libcrypto's GCM allocates nothing for it.
  bool ok =
      EVP_CipherInit_ex(context, nullptr, nullptr, nullptr, nonce.data(), encrypt ? 1 : 0) == 1 &&
      EVP_CipherUpdate(context, nullptr, &written, aad.data(), as_int(aad.size())) == 1;
  if (ok && !aad_tail.empty()) {
    ok =
        EVP_CipherUpdate(context, nullptr, &written, aad_tail.data(), as_int(aad_tail.size())) == 1;
  }
  if (ok && !text.empty()) {
    ok = EVP_CipherUpdate(context, text.data(), &written, text.data(), as_int(text.size())) == 1;
  }
  return ok;
}

void AesGcmSuite::seal(const Keyed& keyed, const Nonce& nonce, std::span<const std::uint8_t> aad,
                       std::span<const std::uint8_t> aad_tail, std::span<std::uint8_t> text,
                       std::span<std::uint8_t> tag) {
  int written = 0;
  const bool ok =
      begin(keyed, nonce, true, aad, aad_tail, text) &&
      EVP_CipherFinal_ex(keyed.context, tag.data(), &written) == 1 &&
      EVP_CIPHER_CTX_ctrl(keyed.context, EVP_CTRL_GCM_GET_TAG, as_int(tag.size()), tag.data()) == 1;
  // Encrypting cannot fail with a key and IV set; if libcrypto says otherwise, nothing sane
  // can go on the wire.
  if (!ok) throw std::runtime_error("libcrypto failed to encrypt with AES-128-GCM");
}

bool AesGcmSuite::open(const Keyed& keyed, const Nonce& nonce, std::span<const std::uint8_t> aad,
                       std::span<const std::uint8_t> aad_tail, std::span<std::uint8_t> text,
                       std::span<const std::uint8_t> tag) {
  int written = 0;
  // libcrypto takes the expected tag as non-const but only copies it. Final compares the tags
  // (in constant time); on a mismatch the decrypted text is garbage, which the session reports
  // as an authentication failure.
  return begin(keyed, nonce, false, aad, aad_tail, text) &&
         EVP_CIPHER_CTX_ctrl(keyed.context, EVP_CTRL_GCM_SET_TAG, as_int(tag.size()),
                             const_cast<std::uint8_t*>(tag.data())) == 1 &&
         EVP_CipherFinal_ex(keyed.context, nullptr, &written) == 1;
}

void AesGcmSuite::protect_rtp(std::span<std::uint8_t> packet, std::size_t header_size,
                              std::uint32_t ssrc, std::uint64_t index) {
  const auto length = packet.size() - kTagSize;
  const auto iv = nonce(rtp_, ssrc, static_cast<std::uint32_t>(index >> 16),
                        static_cast<std::uint32_t>(index & 0xffff));
  seal(rtp_, iv, packet.first(header_size), {}, packet.subspan(header_size, length - header_size),
       packet.subspan(length, kTagSize));
}

bool AesGcmSuite::unprotect_rtp(std::span<std::uint8_t> packet, std::size_t header_size,
                                std::uint32_t ssrc, std::uint64_t index) {
  const auto length = packet.size() - kTagSize;
  const auto iv = nonce(rtp_, ssrc, static_cast<std::uint32_t>(index >> 16),
                        static_cast<std::uint32_t>(index & 0xffff));
  return open(rtp_, iv, packet.first(header_size), {},
              packet.subspan(header_size, length - header_size), packet.subspan(length, kTagSize));
}

// RFC 7714 §9: header (8 bytes) || ciphertext || tag || E flag || 31-bit index, with the
// header and the E flag || index word as associated data.
void AesGcmSuite::protect_rtcp(std::span<std::uint8_t> packet, std::uint32_t ssrc,
                               std::uint32_t srtcp_index) {
  const auto length = packet.size() - kTagSize - 4;
  auto* index_word = packet.data() + length + kTagSize;
  base::big_endian::write_u32(packet, length + kTagSize, 0x80000000u | srtcp_index);
  const auto iv = nonce(rtcp_, ssrc, srtcp_index >> 16, srtcp_index & 0xffff);
  seal(rtcp_, iv, packet.first(kRtcpFixedHeader), {index_word, 4},
       packet.subspan(kRtcpFixedHeader, length - kRtcpFixedHeader),
       packet.subspan(length, kTagSize));
}

bool AesGcmSuite::unprotect_rtcp(std::span<std::uint8_t> packet, std::uint32_t ssrc,
                                 std::uint32_t srtcp_index, bool encrypted) {
  const auto length = packet.size() - kTagSize - 4;
  const auto index_word = packet.last(4);
  const auto tag = packet.subspan(length, kTagSize);
  const auto iv = nonce(rtcp_, ssrc, srtcp_index >> 16, srtcp_index & 0xffff);
  if (encrypted) {
    return open(rtcp_, iv, packet.first(kRtcpFixedHeader), index_word,
                packet.subspan(kRtcpFixedHeader, length - kRtcpFixedHeader), tag);
  }
  // Unencrypted SRTCP (RFC 7714 §9.2): the whole compound is associated data.
  return open(rtcp_, iv, packet.first(length), index_word, {}, tag);
}

}  // namespace webvox::rtc::srtp
