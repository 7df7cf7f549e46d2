#include "load_packet.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "base/big_endian.hpp"
#include "rtc/rtp/rtp_header_writer.hpp"
#include "rtc/rtp/rtp_packet.hpp"

namespace webvox::load {
namespace {

// Marks our payloads, so stray packets (another test's, a comfort-noise frame) are not
// counted as probes.
constexpr std::array<std::uint8_t, 4> kMagic{'W', 'V', 'L', 'D'};
constexpr std::size_t kProbeBytes = kMagic.size() + 4 + 4 + 8;
constexpr std::uint32_t kSamplesPer20Ms = 960;

// The fixed header and the audio-level extension block (voice activity set); returns the
// header's size, where the payload goes.
std::size_t write_header(std::span<std::uint8_t> out, const AudioPacketHeader& header) {
  return rtc::rtp::write_rtp_header(
      out, {header.payload_type, header.marker, header.sequence, header.timestamp, header.ssrc},
      rtc::rtp::AudioLevelElement{
          header.audio_level_extension_id,
          {true, static_cast<std::uint8_t>(header.level_minus_dbov & 0x7f)}});
}

}  // namespace

std::size_t write_audio_packet(std::span<std::uint8_t> out, const AudioPacketHeader& header,
                               std::span<const std::uint8_t> payload) {
  const auto size = rtc::rtp::kRtpFixedHeaderSize + rtc::rtp::kAudioLevelBlockSize + payload.size();
  if (out.size() < size) return 0;
  const auto at = write_header(out, header);
  if (at == 0) return 0;
  std::copy(payload.begin(), payload.end(), out.begin() + static_cast<std::ptrdiff_t>(at));
  return size;
}

std::size_t probe_packet_size(const PacketShape& shape) {
  return rtc::rtp::kRtpFixedHeaderSize + rtc::rtp::kAudioLevelBlockSize +
         std::max(shape.payload_size, kProbeBytes);
}

std::size_t write_probe_packet(std::span<std::uint8_t> out, const PacketShape& shape,
                               std::uint32_t ssrc, const ProbeHeader& probe,
                               std::uint8_t level_minus_dbov) {
  const auto size = probe_packet_size(shape);
  if (out.size() < size) throw std::length_error("probe packet buffer too small");
  const auto at = write_header(out, {shape.payload_type, shape.audio_level_extension_id, ssrc,
                                     static_cast<std::uint16_t>(probe.sequence),
                                     probe.sequence * kSamplesPer20Ms, level_minus_dbov, false});
  if (at == 0) throw std::invalid_argument("probe packet: audio level extension id not 1…14");
  const auto payload = out.subspan(at, size - at);
  std::copy(kMagic.begin(), kMagic.end(), payload.begin());
  base::big_endian::write_u32(payload, 4, probe.speaker);
  base::big_endian::write_u32(payload, 8, probe.sequence);
  base::big_endian::write_u64(payload, 12, probe.sent_ns);
  std::fill(payload.begin() + kProbeBytes, payload.end(), std::uint8_t{0x5a});
  return size;
}

std::optional<ProbeHeader> read_probe(std::span<const std::uint8_t> rtp_packet) {
  const auto parsed = rtc::rtp::parse_rtp_packet(rtp_packet);
  if (!parsed) return std::nullopt;
  const auto payload = parsed.value().payload;
  if (payload.size() < kProbeBytes || !std::equal(kMagic.begin(), kMagic.end(), payload.begin())) {
    return std::nullopt;
  }
  using namespace base::big_endian;
  return ProbeHeader{read_u32(payload, 4), read_u32(payload, 8), read_u64(payload, 12)};
}

}  // namespace webvox::load
