// Cheap invariant checks shared by the fuzz targets. A failed check prints what broke and
// aborts, which libFuzzer reports as a crash (and saves the input).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace webvox::fuzz {

[[noreturn]] inline void fail(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "\n*** fuzz check failed: %s\n", what);
  if (!detail.empty()) {
    std::fprintf(stderr, "*** detail (%zu bytes): ", detail.size());
    for (const char c : detail.substr(0, 2000)) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte >= 0x20 && byte < 0x7f && byte != '\\') {
        std::fputc(byte, stderr);
      } else {
        std::fprintf(stderr, "\\x%02x", byte);
      }
    }
    std::fputc('\n', stderr);
  }
  std::abort();
}

#define WEBVOX_FUZZ_CHECK(condition, detail)                      \
  do {                                                            \
    if (!(condition)) ::webvox::fuzz::fail(#condition, (detail)); \
  } while (false)

// XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
inline bool is_xml_char(char32_t cp) {
  if (cp < 0x20) return cp == 0x09 || cp == 0x0A || cp == 0x0D;
  if (cp <= 0xD7FF) return true;
  if (cp < 0xE000) return false;
  if (cp <= 0xFFFD) return true;
  return cp >= 0x10000 && cp <= 0x10FFFF;
}

// Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF), written
// independently of the decoder under test. With xml_chars_only, every code point must also
// be an XML 1.0 Char.
inline bool is_valid_utf8(std::string_view s, bool xml_chars_only) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t length;
    char32_t cp;
    char32_t minimum;
    if (b0 < 0x80) {
      length = 1, cp = b0, minimum = 0;
    } else if ((b0 & 0xE0) == 0xC0) {
      length = 2, cp = b0 & 0x1F, minimum = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
      length = 3, cp = b0 & 0x0F, minimum = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
      length = 4, cp = b0 & 0x07, minimum = 0x10000;
    } else {
      return false;
    }
    if (s.size() - i < length) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if (xml_chars_only && !is_xml_char(cp)) return false;
    i += length;
  }
  return true;
}

inline bool is_ascii_digits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

inline bool has_surrounding_space(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  return !s.empty() && (space(s.front()) || space(s.back()));
}

inline void replace_all(std::string& text, std::string_view from, std::string_view to) {
  if (from.empty()) return;
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// Independent oracle for "…/api2/{script}" (written apart from parse_vivox_request): the last
// two non-empty segments of the path.
inline std::optional<std::string> reference_api2_script(std::string_view target) {
  const auto path = target.substr(0, target.find_first_of("?#"));
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  if (segments.size() < 2 || segments[segments.size() - 2] != "api2") return std::nullopt;
  return std::string(segments.back());
}

}  // namespace webvox::fuzz
