// A WebSocket peer's bytes straight off the network: the frame meter must never crash, and
// must reach the same counts and verdict however the reads split the bytes (the first byte
// of the input picks the split sizes).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "fuzz_checks.hpp"
#include "http/websocket_frame_meter.hpp"

using webvox::http::WebSocketFrameMeter;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t step = 1 + data[0] % 17;
  const std::span<const unsigned char> bytes(data + 1, size - 1);
  const WebSocketFrameMeter::Limits limits{4, 50, 100};
  WebSocketFrameMeter whole(limits);
  WebSocketFrameMeter split(limits);
  const webvox::base::SteadyTime now{};
  whole.feed(bytes, now);
  for (std::size_t at = 0; at < bytes.size(); at += step) {
    split.feed(bytes.subspan(at, std::min(step, bytes.size() - at)), now);
  }
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  WEBVOX_FUZZ_CHECK(whole.verdict() == split.verdict(), text);
  WEBVOX_FUZZ_CHECK(whole.frames() == split.frames(), text);
  WEBVOX_FUZZ_CHECK(whole.messages() == split.messages(), text);
  WEBVOX_FUZZ_CHECK(whole.control_frames() <= whole.frames(), text);
  // A frame takes at least two bytes.
  WEBVOX_FUZZ_CHECK(whole.frames() <= bytes.size() / 2, text);
  return 0;
}
