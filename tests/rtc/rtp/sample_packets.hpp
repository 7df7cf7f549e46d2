#pragma once

#include <array>
#include <cstdint>

// Packets as Chrome sends them for an Opus track (a=extmap:1 ssrc-audio-level, 2 abs-send-time,
// 3 transport-wide-cc), written out byte by byte.
namespace webvox::rtc::rtp::samples {

inline constexpr std::uint8_t kAudioLevelId = 1;
inline constexpr std::uint8_t kAbsSendTimeId = 2;
inline constexpr std::uint8_t kTransportCcId = 3;

inline constexpr std::array<std::uint8_t, 36> kChromeOpus = {
    0x90, 0x6f, 0x1a, 0x2b,                          // V=2 X=1, PT 111, seq 0x1a2b
    0x00, 0x01, 0xe2, 0x40,                          // timestamp 123456
    0x5a, 0x3c, 0x1f, 0x09,                          // SSRC
    0xbe, 0xde, 0x00, 0x03,                          // one-byte extensions, 3 words
    0x10, 0xa8,                                      // id 1, 1 byte: voice, -40 dBov
    0x22, 0x12, 0x34, 0x56,                          // id 2, 3 bytes: abs-send-time
    0x31, 0x00, 0x05,                                // id 3, 2 bytes: transport-wide sequence 5
    0x00, 0x00, 0x00,                                // padding to the word
    0x78, 0x0b, 0xe4, 0xc1, 0x36, 0xec, 0xc5, 0x8d,  // Opus: TOC 0x78 (SILK WB 20 ms) + frame
};
inline constexpr std::size_t kChromeOpusHeaderSize = 28;

// Sender report then SDES with Chrome's 16-character CNAME.
inline constexpr std::array<std::uint8_t, 56> kChromeSenderReportAndSdes = {
    0x80, 0xc8, 0x00, 0x06,  // SR, no blocks, 7 words
    0x5a, 0x3c, 0x1f, 0x09,  // sender SSRC
    0xe9, 0x3f, 0x6d, 0x30,  // NTP seconds
    0x4b, 0x5a, 0x1c, 0x00,  // NTP fraction
    0x00, 0x01, 0xe2, 0x40,  // RTP timestamp 123456
    0x00, 0x00, 0x01, 0xf4,  // 500 packets
    0x00, 0x00, 0x9c, 0x40,  // 40000 octets
    0x81, 0xca, 0x00, 0x06,  // SDES, one chunk, 7 words
    0x5a, 0x3c, 0x1f, 0x09,  // SSRC
    0x01, 0x10, 'a',  'b',  'c', 'd', 'E', 'F', 'G',  'H',
    'i',  'j',  'k',  'l',  'M', 'N', 'O', 'P', 0x00, 0x00,  // end of items, padding to the word
};

// Receiver report with one block, as a receiving browser sends about a stream.
inline constexpr std::array<std::uint8_t, 32> kReceiverReport = {
    0x81, 0xc9, 0x00, 0x07,  // RR, 1 block, 8 words
    0x00, 0x00, 0x00, 0x01,  // sender SSRC
    0x5a, 0x3c, 0x1f, 0x09,  // source
    0x05, 0xff, 0xff, 0xfe,  // fraction 5/256, cumulative lost -2
    0x00, 0x01, 0x1a, 0x2b,  // one cycle, highest 0x1a2b
    0x00, 0x00, 0x00, 0x2a,  // jitter 42
    0x6d, 0x30, 0x4b, 0x5a,  // LSR
    0x00, 0x01, 0x80, 0x00,  // DLSR 1.5 s
};

// Generic NACK: 0x1a2b lost, and 0x1a2c and 0x1a2e.
inline constexpr std::array<std::uint8_t, 16> kNack = {
    0x81, 0xcd, 0x00, 0x03,  // RTPFB, FMT 1, 4 words
    0x00, 0x00, 0x00, 0x01,  // sender SSRC
    0x5a, 0x3c, 0x1f, 0x09,  // media SSRC
    0x1a, 0x2b, 0x00, 0x05,  // PID, BLP
};

}  // namespace webvox::rtc::rtp::samples
