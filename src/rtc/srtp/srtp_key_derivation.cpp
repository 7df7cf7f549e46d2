#include "rtc/srtp/srtp_key_derivation.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <memory>
#include <stdexcept>

namespace webvox::rtc::srtp {

namespace {

constexpr std::size_t kPrfSaltSize = 14;  // 112 bits, RFC 3711 §4.3.1
// The label sits in the 56-bit key_id that is XORed into the low end of the salt: its byte
// is the seventh of the 14 (key_id = label || 48-bit index DIV kdr, and that index part is 0).
constexpr std::size_t kLabelByte = kPrfSaltSize - 7;

struct CipherContextDeleter {
  void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};

}  // namespace

void derive_session_key(std::span<const std::uint8_t> master_key,
                        std::span<const std::uint8_t> master_salt, KeyLabel label,
                        std::span<std::uint8_t> session_key) {
  if (master_key.size() != 16) throw std::invalid_argument("SRTP master key must be 16 bytes");
  if (master_salt.size() != 12 && master_salt.size() != kPrfSaltSize) {
    throw std::invalid_argument("SRTP master salt must be 12 or 14 bytes");
  }
  // The counter block: x = key_id XOR master_salt, shifted left 16 bits (RFC 3711 §4.3.3).
  std::array<std::uint8_t, 16> counter{};
  std::copy(master_salt.begin(), master_salt.end(), counter.begin());
  counter[kLabelByte] ^= static_cast<std::uint8_t>(label);

  // AES-CM's keystream is the encryption of zeros; encrypt the output buffer after clearing it.
  std::fill(session_key.begin(), session_key.end(), std::uint8_t{0});
  std::unique_ptr<EVP_CIPHER_CTX, CipherContextDeleter> context(EVP_CIPHER_CTX_new());
  int written = 0;
  const bool ok = context &&
                  EVP_EncryptInit_ex(context.get(), EVP_aes_128_ctr(), nullptr, master_key.data(),
                                     counter.data()) == 1 &&
                  EVP_EncryptUpdate(context.get(), session_key.data(), &written, session_key.data(),
                                    static_cast<int>(session_key.size())) == 1 &&
                  static_cast<std::size_t>(written) == session_key.size();
  if (!ok) throw std::runtime_error("libcrypto failed to derive an SRTP session key");
}

}  // namespace webvox::rtc::srtp
