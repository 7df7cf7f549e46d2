// The media the load generator sends: RTP packets shaped like a browser's Opus packets (payload
// type 111, 20 ms of 48 kHz timestamps, the RFC 6464 audio level the forwarder ranks speakers
// by), whose payload carries who sent it, its number and when, so a receiver can tell loss and
// latency without any other channel. Pure: bytes in, bytes out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace webvox::load {

struct ProbeHeader {
  std::uint32_t speaker = 0;   // the sending session's index in the run
  std::uint32_t sequence = 0;  // per speaker, from 0, never wraps within a run
  std::uint64_t sent_ns = 0;   // CLOCK_MONOTONIC of the sending host
};

struct PacketShape {
  std::uint8_t payload_type = 111;
  std::uint8_t audio_level_extension_id = 1;
  std::size_t payload_size = 80;  // a typical 20 ms Opus voice frame is 60–100 bytes
};

// The largest packet write_probe_packet produces for a shape (header, extension, payload).
std::size_t probe_packet_size(const PacketShape& shape);

// Writes a whole RTP packet into `out` (at least probe_packet_size bytes); returns its length.
// `level_minus_dbov`: 0 loudest … 127 silence, as RFC 6464 encodes it.
std::size_t write_probe_packet(std::span<std::uint8_t> out, const PacketShape& shape,
                               std::uint32_t ssrc, const ProbeHeader& probe,
                               std::uint8_t level_minus_dbov);

// One RTP packet of real audio, shaped as a browser's or viewer's: the RFC 6464 audio level
// in a one-byte-header extension (voice activity set), then `payload` (an Opus packet).
struct AudioPacketHeader {
  std::uint8_t payload_type = 111;
  std::uint8_t audio_level_extension_id = 1;
  std::uint32_t ssrc = 0;
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint8_t level_minus_dbov = 127;
  bool marker = false;  // the first packet of a talk spurt (RFC 3551 §4.1)
};
// The packet's length, written into `out`; 0 when `out` is too small.
std::size_t write_audio_packet(std::span<std::uint8_t> out, const AudioPacketHeader& header,
                               std::span<const std::uint8_t> payload);

// The probe in a decrypted RTP packet; none when the packet is not one of ours.
std::optional<ProbeHeader> read_probe(std::span<const std::uint8_t> rtp_packet);

}  // namespace webvox::load
