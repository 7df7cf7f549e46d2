#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "rtc/srtp/srtp_cipher_suite.hpp"
#include "rtc/srtp/srtp_hmac_sha1.hpp"

typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;

namespace webvox::rtc::srtp {

// SRTP_AES128_CM_HMAC_SHA1_80 (RFC 3711, RFC 5764): AES-128 in counter mode, then HMAC-SHA1
// over the packet (and for SRTP the ROC) truncated to 80 bits. Receiving authenticates before
// it decrypts.
class AesCmHmacSuite final : public CipherSuite {
 public:
  static constexpr std::size_t kTagSize = 10;
  static constexpr std::size_t kSaltSize = 14;

  // `master_key` 16 bytes, `master_salt` 14.
  AesCmHmacSuite(std::span<const std::uint8_t> master_key,
                 std::span<const std::uint8_t> master_salt);
  ~AesCmHmacSuite() override;
  AesCmHmacSuite(const AesCmHmacSuite&) = delete;
  AesCmHmacSuite& operator=(const AesCmHmacSuite&) = delete;

  std::size_t rtp_trailer_size() const override { return kTagSize; }
  SrtcpTrailerLayout srtcp_layout() const override { return {kTagSize, false}; }
  void protect_rtp(std::span<std::uint8_t> packet, std::size_t header_size, std::uint32_t ssrc,
                   std::uint64_t index) override;
  bool unprotect_rtp(std::span<std::uint8_t> packet, std::size_t header_size, std::uint32_t ssrc,
                     std::uint64_t index) override;
  void protect_rtcp(std::span<std::uint8_t> packet, std::uint32_t ssrc,
                    std::uint32_t srtcp_index) override;
  bool unprotect_rtcp(std::span<std::uint8_t> packet, std::uint32_t ssrc, std::uint32_t srtcp_index,
                      bool encrypted) override;

 private:
  // Keys and salt for RTP or for RTCP, which RFC 3711 derives separately.
  struct Keyed {
    Keyed(std::span<const std::uint8_t> master_key, std::span<const std::uint8_t> master_salt,
          bool rtcp);
    ~Keyed();
    Keyed(const Keyed&) = delete;
    Keyed& operator=(const Keyed&) = delete;

    // Encrypts (or decrypts) `text` in place with the keystream of `ssrc` and `index`.
    void apply_keystream(std::uint32_t ssrc, std::uint64_t index, std::span<std::uint8_t> text);

    EVP_CIPHER_CTX* context = nullptr;  // AES-128-CTR with the key set; only the IV changes
    std::array<std::uint8_t, kSaltSize> salt{};
    HmacSha1 mac;
  };

  Keyed rtp_;
  Keyed rtcp_;
};

}  // namespace webvox::rtc::srtp
