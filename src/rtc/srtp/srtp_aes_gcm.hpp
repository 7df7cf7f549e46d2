#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "rtc/srtp/srtp_cipher_suite.hpp"

typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;

namespace webvox::rtc::srtp {

// SRTP_AEAD_AES_128_GCM (RFC 7714): AES-128-GCM with a 16-byte tag and a 12-byte salt. The
// header (and for SRTCP the E flag || index) is authenticated in clear as associated data.
class AesGcmSuite final : public CipherSuite {
 public:
  static constexpr std::size_t kTagSize = 16;
  static constexpr std::size_t kSaltSize = 12;

  // The session keys and salts RFC 3711's key derivation yields for RTP and for RTCP.
  struct SessionKeys {
    std::array<std::uint8_t, 16> rtp_key{};
    std::array<std::uint8_t, kSaltSize> rtp_salt{};
    std::array<std::uint8_t, 16> rtcp_key{};
    std::array<std::uint8_t, kSaltSize> rtcp_salt{};
  };
  static SessionKeys derive_session_keys(std::span<const std::uint8_t> master_key,
                                         std::span<const std::uint8_t> master_salt);

  // `master_key` 16 bytes, `master_salt` 12.
  AesGcmSuite(std::span<const std::uint8_t> master_key, std::span<const std::uint8_t> master_salt);
  // Keyed directly, as RFC 7714's test vectors are.
  explicit AesGcmSuite(const SessionKeys& keys);
  ~AesGcmSuite() override;
  AesGcmSuite(const AesGcmSuite&) = delete;
  AesGcmSuite& operator=(const AesGcmSuite&) = delete;

  std::size_t rtp_trailer_size() const override { return kTagSize; }
  SrtcpTrailerLayout srtcp_layout() const override { return {kTagSize, true}; }
  void protect_rtp(std::span<std::uint8_t> packet, std::size_t header_size, std::uint32_t ssrc,
                   std::uint64_t index) override;
  bool unprotect_rtp(std::span<std::uint8_t> packet, std::size_t header_size, std::uint32_t ssrc,
                     std::uint64_t index) override;
  void protect_rtcp(std::span<std::uint8_t> packet, std::uint32_t ssrc,
                    std::uint32_t srtcp_index) override;
  bool unprotect_rtcp(std::span<std::uint8_t> packet, std::uint32_t ssrc, std::uint32_t srtcp_index,
                      bool encrypted) override;

 private:
  using Nonce = std::array<std::uint8_t, 12>;
  // Keys and salt for RTP or for RTCP, which RFC 3711 derives separately.
  struct Keyed {
    EVP_CIPHER_CTX* context = nullptr;  // AES-128-GCM with the key set; only the IV changes
    std::array<std::uint8_t, kSaltSize> salt{};
  };

  static Nonce nonce(const Keyed& keyed, std::uint32_t ssrc, std::uint32_t high, std::uint32_t low);
  // Sets the nonce, feeds the associated data (`aad` then `aad_tail`) and transforms `text` in
  // place: what sealing and opening share before the tag.
  static bool begin(const Keyed& keyed, const Nonce& nonce, bool encrypt,
                    std::span<const std::uint8_t> aad, std::span<const std::uint8_t> aad_tail,
                    std::span<std::uint8_t> text);
  // Encrypts `text` in place and writes the tag; the associated data is `aad` then `aad_tail`.
  static void seal(const Keyed& keyed, const Nonce& nonce, std::span<const std::uint8_t> aad,
                   std::span<const std::uint8_t> aad_tail, std::span<std::uint8_t> text,
                   std::span<std::uint8_t> tag);
  static bool open(const Keyed& keyed, const Nonce& nonce, std::span<const std::uint8_t> aad,
                   std::span<const std::uint8_t> aad_tail, std::span<std::uint8_t> text,
                   std::span<const std::uint8_t> tag);

  Keyed rtp_;
  Keyed rtcp_;
};

}  // namespace webvox::rtc::srtp
