#include "rtc/srtp/srtp_session.hpp"

#include <srtp2/srtp.h>

#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace webvox::rtc {

static_assert(SrtpSession::kMaxTrailer >= SRTP_MAX_TRAILER_LEN + 4);

namespace {

void initialise_libsrtp() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (srtp_init() != srtp_err_status_ok) throw std::runtime_error("libsrtp failed to start");
  });
}

SrtpError error_of(srtp_err_status_t status) {
  switch (status) {
    case srtp_err_status_auth_fail:
      return SrtpError::AuthenticationFailed;
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old:
      return SrtpError::Replayed;
    case srtp_err_status_bad_param:
    case srtp_err_status_parse_err:
      return SrtpError::Malformed;
    default:
      return SrtpError::Failed;
  }
}

using Transform = srtp_err_status_t (*)(srtp_t, void*, int*);

std::variant<std::size_t, SrtpError> apply(Transform transform, srtp_t session,
                                           std::span<std::uint8_t> buffer, std::size_t length,
                                           std::size_t room_needed) {
  if (length > buffer.size() || buffer.size() - length < room_needed) {
    return SrtpError::BufferTooSmall;
  }
  if (length < 4 || length > static_cast<std::size_t>(INT32_MAX / 2)) return SrtpError::Malformed;
  int size = static_cast<int>(length);
  const auto status = transform(session, buffer.data(), &size);
  if (status != srtp_err_status_ok) return error_of(status);
  return static_cast<std::size_t>(size);
}

}  // namespace

SrtpSession::SrtpSession(SrtpProfile profile, const SrtpMasterKey& key, Direction direction) {
  initialise_libsrtp();
  srtp_policy_t policy{};
  if (profile == SrtpProfile::AeadAes128Gcm) {
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
  } else {
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
    srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
  }
  // libsrtp wants the master key and salt as one buffer.
  std::vector<std::uint8_t> key_and_salt(key.key);
  key_and_salt.insert(key_and_salt.end(), key.salt.begin(), key.salt.end());
  policy.key = key_and_salt.data();
  policy.ssrc.type = direction == Direction::Inbound ? ssrc_any_inbound : ssrc_any_outbound;
  // Audio at 50 packets/s: a window of 1024 covers 20 s of reordering, far past any jitter.
  policy.window_size = 1024;
  // Retransmitting a packet unchanged (RTX-less NACK answers) must not count as a replay.
  policy.allow_repeat_tx = 1;
  const auto status = srtp_create(&session_, &policy);
  if (status != srtp_err_status_ok) {
    throw std::runtime_error("cannot create an SRTP session (libsrtp status " +
                             std::to_string(status) + ")");
  }
}

SrtpSession::~SrtpSession() {
  if (session_) srtp_dealloc(session_);
}

std::variant<std::size_t, SrtpError> SrtpSession::protect_rtp(std::span<std::uint8_t> buffer,
                                                              std::size_t length) {
  return apply(srtp_protect, session_, buffer, length, SRTP_MAX_TRAILER_LEN);
}

std::variant<std::size_t, SrtpError> SrtpSession::protect_rtcp(std::span<std::uint8_t> buffer,
                                                               std::size_t length) {
  // SRTCP adds the E flag and index (4 bytes) besides the tag.
  return apply(srtp_protect_rtcp, session_, buffer, length, SRTP_MAX_TRAILER_LEN + 4);
}

std::variant<std::size_t, SrtpError> SrtpSession::unprotect_rtp(std::span<std::uint8_t> packet) {
  return apply(srtp_unprotect, session_, packet, packet.size(), 0);
}

std::variant<std::size_t, SrtpError> SrtpSession::unprotect_rtcp(std::span<std::uint8_t> packet) {
  return apply(srtp_unprotect_rtcp, session_, packet, packet.size(), 0);
}

}  // namespace webvox::rtc
