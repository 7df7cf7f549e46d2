#include "rtc/rtp/rtcp_sdes.hpp"

#include <algorithm>

#include "base/big_endian.hpp"

namespace webvox::rtc::rtp {

namespace {
constexpr std::uint8_t kSdesEnd = 0;

std::size_t round_up_to_word(std::size_t n) { return (n + 3) / 4 * 4; }
}  // namespace

SdesReader::SdesReader(const RtcpPacketView& packet) : body_(packet.body) {
  if (packet.packet_type != rtcp_type::kSourceDescription) {
    error_ = RtcpError::WrongPacketType;
  } else {
    chunks_left_ = packet.count;
  }
}

std::optional<SdesChunk> SdesReader::fail(RtcpError error) {
  error_ = error;
  chunks_left_ = 0;
  return std::nullopt;
}

std::optional<SdesChunk> SdesReader::next() {
  if (chunks_left_ == 0) return std::nullopt;
  --chunks_left_;
  if (body_.size() - offset_ < 4) return fail(RtcpError::SdesItemPastEnd);
  SdesChunk chunk;
  chunk.ssrc = base::big_endian::read_u32(body_, offset_);
  std::size_t at = offset_ + 4;
  // Items until a null octet; the chunk then pads to a 32-bit boundary.
  while (true) {
    if (at >= body_.size()) return fail(RtcpError::SdesItemPastEnd);
    const std::uint8_t type = body_[at];
    if (type == kSdesEnd) break;
    if (body_.size() - at < 2) return fail(RtcpError::SdesItemPastEnd);
    const std::size_t length = body_[at + 1];
    if (body_.size() - at - 2 < length) return fail(RtcpError::SdesItemPastEnd);
    if (type == kSdesCname && !chunk.cname) {
      chunk.cname = std::string_view(reinterpret_cast<const char*>(body_.data() + at + 2), length);
    }
    at += 2 + length;
  }
  // Tolerates a chunk that ends exactly at the body's end without full padding.
  offset_ = std::min(round_up_to_word(at + 1), body_.size());
  return chunk;
}

std::optional<std::size_t> write_sdes_cname(std::span<std::uint8_t> out, std::uint32_t ssrc,
                                            std::string_view cname) {
  if (cname.size() > 255) return std::nullopt;
  const std::size_t chunk_size = round_up_to_word(4 + 2 + cname.size() + 1);
  const std::size_t size = kRtcpHeaderSize + chunk_size;
  if (out.size() < size) return std::nullopt;
  std::fill(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(size), std::uint8_t{0});
  write_rtcp_header(out, 1, rtcp_type::kSourceDescription, size);
  base::big_endian::write_u32(out, 4, ssrc);
  out[8] = kSdesCname;
  out[9] = static_cast<std::uint8_t>(cname.size());
  std::copy(cname.begin(), cname.end(), out.begin() + 10);
  return size;
}

}  // namespace webvox::rtc::rtp
