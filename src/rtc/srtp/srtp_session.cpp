#include "rtc/srtp/srtp_session.hpp"

#include <stdexcept>

#include "base/big_endian.hpp"
#include "rtc/srtp/srtp_aes_cm_hmac.hpp"
#include "rtc/srtp/srtp_aes_gcm.hpp"

namespace webvox::rtc {

namespace {

constexpr std::size_t kRtpFixedHeader = 12;
constexpr std::size_t kRtcpFixedHeader = 8;  // up to and including the sender's SSRC
// Far beyond any UDP datagram; keeps every length within libcrypto's int.
constexpr std::size_t kMaxPacket = 1 << 20;
constexpr std::uint32_t kSrtcpIndexMask = 0x7fffffff;

bool is_version_2(std::span<const std::uint8_t> packet) { return (packet[0] >> 6) == 2; }

// The RTP header's size with its CSRCs and header extension (RFC 3550 §5.1, §5.3.1): what SRTP
// leaves in clear. 0 if the packet is not RTP or ends inside its header.
std::size_t rtp_header_size(std::span<const std::uint8_t> packet) {
  if (packet.size() < kRtpFixedHeader || !is_version_2(packet)) return 0;
  const std::size_t csrc_count = packet[0] & 0x0f;
  std::size_t size = kRtpFixedHeader + 4 * csrc_count;
  const bool has_extension = (packet[0] & 0x10) != 0;
  if (has_extension) {
    if (packet.size() < size + 4) return 0;
    const std::size_t extension_words = base::big_endian::read_u16(packet, size + 2);
    size += 4 + 4 * extension_words;
  }
  return size <= packet.size() ? size : 0;
}

std::unique_ptr<srtp::CipherSuite> make_suite(SrtpProfile profile, const SrtpMasterKey& key) {
  if (key.key.size() != 16) throw std::invalid_argument("SRTP master key must be 16 bytes");
  if (profile == SrtpProfile::AeadAes128Gcm) {
    return std::make_unique<srtp::AesGcmSuite>(key.key, key.salt);
  }
  return std::make_unique<srtp::AesCmHmacSuite>(key.key, key.salt);
}

}  // namespace

SrtpSession::SrtpSession(SrtpProfile profile, const SrtpMasterKey& key, Direction direction)
    : suite_(make_suite(profile, key)), direction_(direction) {}

SrtpSession::~SrtpSession() = default;

srtp::StreamState* SrtpSession::stream_for(std::uint32_t ssrc) {
  if (auto* stream = streams_.find(ssrc)) return stream;
  return streams_.add(ssrc);
}

SrtpResult SrtpSession::protect_rtp(std::span<std::uint8_t> buffer, std::size_t length) {
  if (direction_ != Direction::Outbound) return base::unexpected(SrtpError::Failed);
  const auto trailer = suite_->rtp_trailer_size();
  if (length > buffer.size() || buffer.size() - length < trailer) {
    return base::unexpected(SrtpError::BufferTooSmall);
  }
  const auto packet = buffer.first(length);
  const auto header_size = length <= kMaxPacket ? rtp_header_size(packet) : 0;
  if (header_size == 0) return base::unexpected(SrtpError::Malformed);
  const std::uint32_t ssrc = base::big_endian::read_u32(packet, 8);
  auto* stream = stream_for(ssrc);
  if (!stream) return base::unexpected(SrtpError::TooManyStreams);
  const auto sequence = base::big_endian::read_u16(packet, 2);
  // A sender's own index needs no replay check: the same sequence number again is a
  // retransmission, protected exactly as the first time.
  const auto index = stream->rtp_index.estimate(sequence);
  stream->rtp_index.advance(index);
  suite_->protect_rtp(buffer.first(length + trailer), header_size, ssrc, index);
  return length + trailer;
}

SrtpResult SrtpSession::unprotect_rtp(std::span<std::uint8_t> packet) {
  if (direction_ != Direction::Inbound) return base::unexpected(SrtpError::Failed);
  const auto tag_size = suite_->rtp_trailer_size();
  if (packet.size() < kRtpFixedHeader + tag_size || packet.size() > kMaxPacket) {
    return base::unexpected(SrtpError::Malformed);
  }
  const auto header_size = rtp_header_size(packet.first(packet.size() - tag_size));
  if (header_size == 0) return base::unexpected(SrtpError::Malformed);
  const std::uint32_t ssrc = base::big_endian::read_u32(packet, 8);
  const auto sequence = base::big_endian::read_u16(packet, 2);

  // An unknown SSRC is estimated as a fresh stream and only gets state once authentic, so
  // forged packets cannot fill the table.
  auto* stream = streams_.find(ssrc);
  std::uint64_t index = 0;
  if (stream) {
    index = stream->rtp_index.estimate(sequence);
    if (!stream->rtp_replay.is_fresh(index)) return base::unexpected(SrtpError::Replayed);
  } else {
    if (streams_.size() >= srtp::StreamTable::kMaxStreams) {
      return base::unexpected(SrtpError::TooManyStreams);
    }
    index = srtp::RtpIndexTracker{}.estimate(sequence);
  }
  if (!suite_->unprotect_rtp(packet, header_size, ssrc, index)) {
    return base::unexpected(SrtpError::AuthenticationFailed);
  }
  if (!stream) stream = streams_.add(ssrc);
  stream->rtp_index.advance(index);
  stream->rtp_replay.accept(index);
  return packet.size() - tag_size;
}

SrtpResult SrtpSession::protect_rtcp(std::span<std::uint8_t> buffer, std::size_t length) {
  if (direction_ != Direction::Outbound) return base::unexpected(SrtpError::Failed);
  const auto trailer = suite_->rtcp_trailer_size();
  if (length > buffer.size() || buffer.size() - length < trailer) {
    return base::unexpected(SrtpError::BufferTooSmall);
  }
  if (length < kRtcpFixedHeader || length > kMaxPacket || !is_version_2(buffer)) {
    return base::unexpected(SrtpError::Malformed);
  }
  const std::uint32_t ssrc = base::big_endian::read_u32(buffer, 4);
  auto* stream = stream_for(ssrc);
  if (!stream) return base::unexpected(SrtpError::TooManyStreams);
  // 2^31 compounds per SSRC is years of reports at any sane rate; libsrtp then refuses
  // (the key has expired) and so does this.
  if (stream->next_srtcp_index > kSrtcpIndexMask) return base::unexpected(SrtpError::Failed);
  const auto index = stream->next_srtcp_index++;
  suite_->protect_rtcp(buffer.first(length + trailer), ssrc, index);
  return length + trailer;
}

SrtpResult SrtpSession::unprotect_rtcp(std::span<std::uint8_t> packet) {
  if (direction_ != Direction::Inbound) return base::unexpected(SrtpError::Failed);
  const auto layout = suite_->srtcp_layout();
  const auto trailer = layout.tag_size + 4;
  if (packet.size() < kRtcpFixedHeader + trailer || packet.size() > kMaxPacket ||
      !is_version_2(packet)) {
    return base::unexpected(SrtpError::Malformed);
  }
  const auto index_at = packet.size() - 4 - (layout.index_after_tag ? 0 : layout.tag_size);
  const auto index_word = base::big_endian::read_u32(packet, index_at);
  const bool encrypted = (index_word & 0x80000000u) != 0;
  const std::uint32_t index = index_word & kSrtcpIndexMask;
  const std::uint32_t ssrc = base::big_endian::read_u32(packet, 4);

  auto* stream = streams_.find(ssrc);
  if (stream && !stream->rtcp_replay.is_fresh(index)) return base::unexpected(SrtpError::Replayed);
  if (!stream && streams_.size() >= srtp::StreamTable::kMaxStreams) {
    return base::unexpected(SrtpError::TooManyStreams);
  }
  if (!suite_->unprotect_rtcp(packet, ssrc, index, encrypted)) {
    return base::unexpected(SrtpError::AuthenticationFailed);
  }
  if (!stream) stream = streams_.add(ssrc);
  stream->rtcp_replay.accept(index);
  return packet.size() - trailer;
}

}  // namespace webvox::rtc
