#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "rtc/rtp/rtcp_packet.hpp"

// Source description (RFC 3550 §6.5): only CNAME matters to the forwarder (it ties a
// participant's streams together); other items are skipped.
namespace webvox::rtc::rtp {

inline constexpr std::uint8_t kSdesCname = 1;

struct SdesChunk {
  std::uint32_t ssrc = 0;
  std::optional<std::string_view> cname;
};

// Walks the chunks of an SDES packet (as many as its source count says). next() gives nothing
// at the end or on malformed data; error() then says which.
class SdesReader {
 public:
  explicit SdesReader(const RtcpPacketView& packet);

  std::optional<SdesChunk> next();
  std::optional<RtcpError> error() const { return error_; }

 private:
  std::optional<SdesChunk> fail(RtcpError error);

  std::span<const std::uint8_t> body_;
  std::size_t chunks_left_ = 0;
  std::size_t offset_ = 0;
  std::optional<RtcpError> error_;
};

// One SDES packet with one chunk holding only a CNAME (at most 255 bytes); its size, or nothing
// if it does not fit.
std::optional<std::size_t> write_sdes_cname(std::span<std::uint8_t> out, std::uint32_t ssrc,
                                            std::string_view cname);

}  // namespace webvox::rtc::rtp
