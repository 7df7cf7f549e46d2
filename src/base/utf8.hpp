#pragma once

#include <cstddef>
#include <string_view>

namespace webvox::base {

// Length of the well-formed UTF-8 sequence at the start of `bytes` and its code point, or 0
// (empty, a stray or truncated byte, an overlong form, beyond U+10FFFF). Surrogate code points
// decode: callers that must refuse them check the code point.
std::size_t decode_utf8(std::string_view bytes, char32_t& code_point);

}  // namespace webvox::base
