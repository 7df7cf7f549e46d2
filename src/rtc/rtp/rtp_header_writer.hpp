#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "rtc/rtp/audio_level.hpp"

// Writing an RTP header (RFC 3550 §5.1) in front of a payload: the one writer of what the
// server sends as RTP (the viewers' mixes) and what the load tool sends as a speaker.
namespace webvox::rtc::rtp {

struct RtpHeaderFields {
  std::uint8_t payload_type = 0;  // 0…127; higher bits are dropped
  bool marker = false;
  std::uint16_t sequence_number = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
};

// An RFC 6464 audio level in a one-byte-header extension block (RFC 8285 §4.2), under the id
// the receiver negotiated (1…14).
struct AudioLevelElement {
  std::uint8_t extension_id = 1;
  AudioLevel level;
};

// The extension block that carries one audio level: profile and length words, the element
// (1 byte of header, 1 of data) and two bytes of padding.
inline constexpr std::size_t kAudioLevelBlockSize = 8;

// The fixed header (version 2, no padding, no CSRC) and, with `audio_level`, the extension
// block holding it, at the start of `out`. Returns the header's size (where the payload
// goes: 12, or 20 with the level), or 0 when `out` is too short for it or the extension id
// is outside 1…14.
std::size_t write_rtp_header(std::span<std::uint8_t> out, const RtpHeaderFields& fields,
                             const std::optional<AudioLevelElement>& audio_level = std::nullopt);

}  // namespace webvox::rtc::rtp
