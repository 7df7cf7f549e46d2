#include "base/log_text.hpp"

#include <algorithm>

#include "base/utf8.hpp"

namespace webvox::base {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Code points a terminal or a log viewer would hide, or that reorder or break the line.
bool invisible(char32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) ||      // C1 controls
         cp == 0x061C ||                    // Arabic letter mark
         (cp >= 0x200B && cp <= 0x200F) ||  // zero-width, LRM, RLM
         (cp >= 0x2028 && cp <= 0x202E) ||  // separators, embeddings
         (cp >= 0x2060 && cp <= 0x206F) ||  // joiners, isolates, deprecated
         cp == 0xFEFF ||                    // byte-order mark
         (cp >= 0xFFF9 && cp <= 0xFFFB) ||  // interlinear annotation
         (cp >= 0xE0000 && cp <= 0xE007F);  // tag characters
}

void append_byte_escape(std::string& out, unsigned char byte) {
  out += "\\x";
  out += kHex[byte >> 4];
  out += kHex[byte & 0xF];
}

void append_code_point_escape(std::string& out, char32_t cp) {
  out += "\\u{";
  bool started = false;
  for (int shift = 20; shift >= 0; shift -= 4) {
    const auto digit = (cp >> shift) & 0xF;
    if (digit == 0 && !started && shift > 12) continue;  // at least four digits
    started = true;
    out += kHex[digit];
  }
  out += '}';
}

}  // namespace

std::string log_text(std::string_view bytes, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(bytes.size(), max_bytes) + 2);
  out += '"';
  std::size_t shown = 0;
  while (shown < bytes.size()) {
    const auto rest = bytes.substr(shown);
    char32_t cp = 0;
    std::size_t length = decode_utf8(rest, cp);
    const bool well_formed = length > 0 && !(cp >= 0xD800 && cp <= 0xDFFF);
    if (!well_formed) length = 1;
    if (shown + length > max_bytes) break;
    const auto byte = static_cast<unsigned char>(rest[0]);
    if (!well_formed) {
      append_byte_escape(out, byte);
    } else if (cp == '"' || cp == '\\') {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp < 0x20 || cp == 0x7F) {
      append_byte_escape(out, byte);
    } else if (invisible(cp)) {
      append_code_point_escape(out, cp);
    } else {
      out.append(rest.substr(0, length));
    }
    shown += length;
  }
  out += '"';
  if (shown < bytes.size()) {
    out += "...(+" + std::to_string(bytes.size() - shown) + " bytes)";
  }
  return out;
}

std::string log_withheld(std::string_view bytes) {
  return "(" + std::to_string(bytes.size()) + " bytes, not shown)";
}

}  // namespace webvox::base
