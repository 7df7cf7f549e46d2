#pragma once
// libsrtp2 as the reference implementation the tests and the benchmark hold webvox's SRTP to:
// one libsrtp session per direction, configured as webvox used it before (any SSRC, a replay
// window of 1024, repeated sequence numbers allowed when sending).
#include <srtp2/srtp.h>

#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "rtc/srtp/srtp_keying.hpp"

namespace webvox::rtc::testing {

class LibsrtpOracle {
 public:
  LibsrtpOracle(SrtpProfile profile, const SrtpMasterKey& key, bool inbound) {
    static std::once_flag once;
    std::call_once(once, [] {
      if (srtp_init() != srtp_err_status_ok) throw std::runtime_error("srtp_init failed");
    });
    srtp_policy_t policy{};
    if (profile == SrtpProfile::AeadAes128Gcm) {
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
    } else {
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
    }
    key_and_salt_ = key.key;
    key_and_salt_.insert(key_and_salt_.end(), key.salt.begin(), key.salt.end());
    policy.key = key_and_salt_.data();
    policy.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
    policy.window_size = 1024;
    policy.allow_repeat_tx = 1;
    if (srtp_create(&session_, &policy) != srtp_err_status_ok) {
      throw std::runtime_error("srtp_create failed");
    }
  }
  ~LibsrtpOracle() { srtp_dealloc(session_); }
  LibsrtpOracle(const LibsrtpOracle&) = delete;
  LibsrtpOracle& operator=(const LibsrtpOracle&) = delete;

  // The protected packet (empty if libsrtp refused).
  std::vector<std::uint8_t> protect_rtp(std::vector<std::uint8_t> packet) {
    return apply(srtp_protect, std::move(packet), SRTP_MAX_TRAILER_LEN);
  }
  std::vector<std::uint8_t> protect_rtcp(std::vector<std::uint8_t> packet) {
    return apply(srtp_protect_rtcp, std::move(packet), SRTP_MAX_TRAILER_LEN + 4);
  }
  // The plaintext; empty if libsrtp refused (a valid packet is never empty).
  std::vector<std::uint8_t> unprotect_rtp(std::vector<std::uint8_t> packet) {
    return apply(srtp_unprotect, std::move(packet), 0);
  }
  std::vector<std::uint8_t> unprotect_rtcp(std::vector<std::uint8_t> packet) {
    return apply(srtp_unprotect_rtcp, std::move(packet), 0);
  }

  // In place, for the benchmark: the new length, or -1.
  int protect_rtp_in_place(std::uint8_t* packet, int length) {
    return srtp_protect(session_, packet, &length) == srtp_err_status_ok ? length : -1;
  }
  int unprotect_rtp_in_place(std::uint8_t* packet, int length) {
    return srtp_unprotect(session_, packet, &length) == srtp_err_status_ok ? length : -1;
  }

 private:
  using Transform = srtp_err_status_t (*)(srtp_t, void*, int*);

  std::vector<std::uint8_t> apply(Transform transform, std::vector<std::uint8_t> packet,
                                  std::size_t room) {
    int length = static_cast<int>(packet.size());
    packet.resize(packet.size() + room);
    if (transform(session_, packet.data(), &length) != srtp_err_status_ok) return {};
    packet.resize(static_cast<std::size_t>(length));
    return packet;
  }

  srtp_t session_ = nullptr;
  std::vector<std::uint8_t> key_and_salt_;
};

}  // namespace webvox::rtc::testing
