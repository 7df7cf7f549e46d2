// Why libopus refused a call, as a type instead of its negative integers.
#pragma once

#include <string_view>

namespace webvox::mixer {

enum class CodecError {
  BadArgument,     // a frame size Opus cannot code, settings out of range
  BufferTooSmall,  // the output cannot hold the packet's audio or the encoded frame
  InvalidPacket,   // the payload is not an Opus packet (or is cut short)
  Internal,        // libopus failed for another reason
};

std::string_view to_string(CodecError error);

// libopus's status codes (OPUS_BAD_ARG, …) as a CodecError.
CodecError codec_error_from_opus(int status);

}  // namespace webvox::mixer
