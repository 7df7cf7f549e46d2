#include "load_packet.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "rtc/rtp/rtp_packet.hpp"

namespace webvox::load {
namespace {

// Marks our payloads, so stray packets (another test's, a comfort-noise frame) are not
// counted as probes.
constexpr std::array<std::uint8_t, 4> kMagic{'W', 'V', 'L', 'D'};
constexpr std::size_t kProbeBytes = kMagic.size() + 4 + 4 + 8;
// One-byte-header extension block (RFC 8285 §4.2): profile, length, one 1-byte element, padding.
constexpr std::size_t kExtensionBytes = 4 + 4;
constexpr std::uint32_t kSamplesPer20Ms = 960;

void put16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
void put32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
}
void put64(std::uint8_t* p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<std::uint8_t>(v >> (56 - 8 * i));
}
std::uint32_t get32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         p[3];
}
std::uint64_t get64(const std::uint8_t* p) {
  return (std::uint64_t{get32(p)} << 32) | get32(p + 4);
}

// The fixed header and the audio-level extension block; returns where the payload goes.
std::uint8_t* write_header(std::uint8_t* p, const AudioPacketHeader& header) {
  p[0] = 0x90;  // version 2, extension bit
  p[1] = static_cast<std::uint8_t>((header.marker ? 0x80 : 0) | (header.payload_type & 0x7f));
  put16(p + 2, header.sequence);
  put32(p + 4, header.timestamp);
  put32(p + 8, header.ssrc);
  p += rtc::rtp::kRtpFixedHeaderSize;
  p[0] = 0xbe;  // 0xBEDE: one-byte header elements
  p[1] = 0xde;
  put16(p + 2, 1);  // one 32-bit word of elements follows
  p[4] = static_cast<std::uint8_t>(header.audio_level_extension_id << 4);     // length 1 → L = 0
  p[5] = static_cast<std::uint8_t>(0x80 | (header.level_minus_dbov & 0x7f));  // voice activity set
  p[6] = 0;
  p[7] = 0;
  return p + kExtensionBytes;
}

}  // namespace

std::size_t write_audio_packet(std::span<std::uint8_t> out, const AudioPacketHeader& header,
                               std::span<const std::uint8_t> payload) {
  const auto size = rtc::rtp::kRtpFixedHeaderSize + kExtensionBytes + payload.size();
  if (out.size() < size) return 0;
  std::copy(payload.begin(), payload.end(), write_header(out.data(), header));
  return size;
}

std::size_t probe_packet_size(const PacketShape& shape) {
  return rtc::rtp::kRtpFixedHeaderSize + kExtensionBytes +
         std::max(shape.payload_size, kProbeBytes);
}

std::size_t write_probe_packet(std::span<std::uint8_t> out, const PacketShape& shape,
                               std::uint32_t ssrc, const ProbeHeader& probe,
                               std::uint8_t level_minus_dbov) {
  const auto size = probe_packet_size(shape);
  if (out.size() < size) throw std::length_error("probe packet buffer too small");
  auto* p = write_header(out.data(), {shape.payload_type, shape.audio_level_extension_id, ssrc,
                                      static_cast<std::uint16_t>(probe.sequence),
                                      probe.sequence * kSamplesPer20Ms, level_minus_dbov, false});
  std::copy(kMagic.begin(), kMagic.end(), p);
  put32(p + 4, probe.speaker);
  put32(p + 8, probe.sequence);
  put64(p + 12, probe.sent_ns);
  std::fill(p + kProbeBytes, out.data() + size, std::uint8_t{0x5a});
  return size;
}

std::optional<ProbeHeader> read_probe(std::span<const std::uint8_t> rtp_packet) {
  const auto parsed = rtc::rtp::parse_rtp_packet(rtp_packet);
  if (!parsed) return std::nullopt;
  const auto payload = parsed.value().payload;
  if (payload.size() < kProbeBytes || !std::equal(kMagic.begin(), kMagic.end(), payload.begin())) {
    return std::nullopt;
  }
  const auto* p = payload.data();
  return ProbeHeader{get32(p + 4), get32(p + 8), get64(p + 12)};
}

}  // namespace webvox::load
