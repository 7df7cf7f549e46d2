#include "rtc/stun/ice_tcp_framing.hpp"

#include <algorithm>
#include <limits>

#include "base/big_endian.hpp"

namespace webvox::rtc::stun {
namespace {

constexpr std::size_t kLengthPrefixSize = 2;
constexpr std::size_t kLargestFrame = std::numeric_limits<std::uint16_t>::max();

}  // namespace

std::string_view to_string(FramingError error) {
  switch (error) {
    case FramingError::EmptyFrame:
      return "empty frame";
    case FramingError::FrameTooLong:
      return "frame too long";
  }
  return "framing error";
}

IceTcpDeframer::IceTcpDeframer(std::size_t max_frame_bytes)
    : max_frame_bytes_(std::min(max_frame_bytes, kLargestFrame)) {}

base::Expected<IceTcpDeframer::Frames, FramingError> IceTcpDeframer::feed(
    std::span<const std::uint8_t> chunk) {
  if (failed_) return base::unexpected(*failed_);
  Frames frames;
  while (!chunk.empty()) {
    // Take just enough to finish the length prefix, then just enough to finish the frame:
    // the buffer never grows past one frame whatever the chunk size.
    const std::size_t want =
        pending_.size() < kLengthPrefixSize
            ? kLengthPrefixSize - pending_.size()
            : kLengthPrefixSize + base::big_endian::read_u16(pending_, 0) - pending_.size();
    const std::size_t take = std::min(want, chunk.size());
    pending_.insert(pending_.end(), chunk.begin(), chunk.begin() + take);
    chunk = chunk.subspan(take);

    if (pending_.size() == kLengthPrefixSize) {
      const std::size_t length = base::big_endian::read_u16(pending_, 0);
      if (length == 0) failed_ = FramingError::EmptyFrame;
      if (length > max_frame_bytes_) failed_ = FramingError::FrameTooLong;
      if (failed_) {
        pending_.clear();
        return base::unexpected(*failed_);
      }
    }
    if (pending_.size() > kLengthPrefixSize &&
        pending_.size() == kLengthPrefixSize + base::big_endian::read_u16(pending_, 0)) {
      frames.emplace_back(pending_.begin() + kLengthPrefixSize, pending_.end());
      pending_.clear();
    }
  }
  return frames;
}

base::Expected<std::vector<std::uint8_t>, FramingError> frame_packet(
    std::span<const std::uint8_t> packet) {
  if (packet.empty()) return base::unexpected(FramingError::EmptyFrame);
  if (packet.size() > kLargestFrame) return base::unexpected(FramingError::FrameTooLong);
  std::vector<std::uint8_t> framed;
  framed.reserve(kLengthPrefixSize + packet.size());
  base::big_endian::append_u16(framed, static_cast<std::uint16_t>(packet.size()));
  framed.insert(framed.end(), packet.begin(), packet.end());
  return framed;
}

}  // namespace webvox::rtc::stun
