#include "http/websocket_frame_meter.hpp"

#include <algorithm>

namespace webvox::http {

WebSocketFrameMeter::Verdict WebSocketFrameMeter::feed(std::span<const unsigned char> bytes,
                                                       base::SteadyTime now) {
  while (!bytes.empty() && verdict_ == Verdict::kWithinLimits) {
    if (payload_left_ > 0) {
      const auto skip =
          static_cast<std::size_t>(std::min<std::uint64_t>(payload_left_, bytes.size()));
      payload_left_ -= skip;
      bytes = bytes.subspan(skip);
      continue;
    }
    const auto take = std::min(header_need_ - header_have_, bytes.size());
    std::copy_n(bytes.begin(), take, header_.begin() + static_cast<std::ptrdiff_t>(header_have_));
    header_have_ += take;
    bytes = bytes.subspan(take);
    if (header_have_ < header_need_) continue;
    if (header_need_ == 2) {
      // The first two bytes tell how long the rest of the header is.
      const unsigned length7 = header_[1] & 0x7fu;
      const bool masked = (header_[1] & 0x80u) != 0;
      header_need_ = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + (masked ? 4 : 0);
      if (header_need_ > 2) continue;
    }
    on_header(now);
  }
  return verdict_;
}

void WebSocketFrameMeter::on_header(base::SteadyTime now) {
  const unsigned length7 = header_[1] & 0x7fu;
  std::uint64_t length = length7;
  if (length7 == 126) {
    length = (std::uint64_t{header_[2]} << 8) | header_[3];
  } else if (length7 == 127) {
    length = 0;
    for (std::size_t i = 2; i < 10; ++i) length = (length << 8) | header_[i];
  }
  const bool fin = (header_[0] & 0x80u) != 0;
  const bool control = (header_[0] & 0x08u) != 0;
  payload_left_ = length;
  header_have_ = 0;
  header_need_ = 2;
  ++frames_;
  if (control) {
    ++control_frames_;
  } else {
    ++frames_in_message_;
    if (frames_in_message_ > limits_.max_frames_per_message) {
      verdict_ = Verdict::kTooManyFramesInMessage;
      return;
    }
    if (fin) {
      ++messages_;
      frames_in_message_ = 0;
    }
  }
  if (!bucket_.try_take(now)) verdict_ = Verdict::kFrameRate;
}

}  // namespace webvox::http
