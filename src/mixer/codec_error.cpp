#include "mixer/codec_error.hpp"

#include <opus.h>

namespace webvox::mixer {

std::string_view to_string(CodecError error) {
  switch (error) {
    case CodecError::BadArgument:
      return "bad argument";
    case CodecError::BufferTooSmall:
      return "buffer too small";
    case CodecError::InvalidPacket:
      return "invalid packet";
    case CodecError::Internal:
      return "internal codec error";
  }
  return "unknown codec error";
}

CodecError codec_error_from_opus(int status) {
  switch (status) {
    case OPUS_BAD_ARG:
      return CodecError::BadArgument;
    case OPUS_BUFFER_TOO_SMALL:
      return CodecError::BufferTooSmall;
    case OPUS_INVALID_PACKET:
      return CodecError::InvalidPacket;
    default:
      return CodecError::Internal;
  }
}

}  // namespace webvox::mixer
