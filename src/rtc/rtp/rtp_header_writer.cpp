#include "rtc/rtp/rtp_header_writer.hpp"

#include "base/big_endian.hpp"

namespace webvox::rtc::rtp {

std::size_t write_rtp_header(std::span<std::uint8_t> out, const RtpHeaderFields& fields,
                             const std::optional<AudioLevelElement>& audio_level) {
  const std::size_t size = kRtpFixedHeaderSize + (audio_level ? kAudioLevelBlockSize : 0);
  if (out.size() < size) return 0;
  if (audio_level && (audio_level->extension_id < 1 || audio_level->extension_id > 14)) return 0;
  out[0] = audio_level ? 0x90 : 0x80;  // version 2, and the extension bit
  out[1] = static_cast<std::uint8_t>((fields.marker ? 0x80 : 0) | (fields.payload_type & 0x7F));
  base::big_endian::write_u16(out, 2, fields.sequence_number);
  base::big_endian::write_u32(out, 4, fields.timestamp);
  base::big_endian::write_u32(out, 8, fields.ssrc);
  if (audio_level) {
    auto block = out.subspan(kRtpFixedHeaderSize, kAudioLevelBlockSize);
    base::big_endian::write_u16(block, 0, 0xBEDE);  // one-byte-header elements
    base::big_endian::write_u16(block, 2, 1);       // one 32-bit word of them
    block[4] = static_cast<std::uint8_t>(audio_level->extension_id << 4);  // data length 1
    block[5] = static_cast<std::uint8_t>((audio_level->level.voice_activity ? 0x80 : 0) |
                                         (audio_level->level.level_minus_dbov & 0x7F));
    block[6] = 0;
    block[7] = 0;
  }
  return size;
}

}  // namespace webvox::rtc::rtp
