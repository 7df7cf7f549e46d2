#pragma once

#include <cstdint>
#include <span>

// In-place rewriting of the fixed RTP header, as the forwarder does for each outgoing slot
// packet. Each returns false (and writes nothing) if the span is shorter than the fixed header;
// the packet is expected to have been parsed already.
namespace webvox::rtc::rtp {

bool set_ssrc(std::span<std::uint8_t> packet, std::uint32_t ssrc);
bool set_sequence_number(std::span<std::uint8_t> packet, std::uint16_t sequence_number);
bool set_timestamp(std::span<std::uint8_t> packet, std::uint32_t timestamp);
// Keeps the marker bit that shares the byte.
bool set_payload_type(std::span<std::uint8_t> packet, std::uint8_t payload_type);
bool set_marker(std::span<std::uint8_t> packet, bool marker);

}  // namespace webvox::rtc::rtp
