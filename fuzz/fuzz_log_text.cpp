// Fuzzes base::log_text, which stands between request bytes and every log line.
// Checks: the output is one line of strict UTF-8 with no control character (no newline, ESC,
// NUL, DEL, no C1 control, no invisible or reordering code point); it is bounded; and it
// says exactly what the input was: unescaping the quoted part gives back the input's first
// bytes, and the "...(+N bytes)" note, present only when something was cut, counts the rest.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/log_text.hpp"
#include "fuzz_checks.hpp"

namespace {

using namespace webvox;

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The quoted text unescaped, and where the closing quote is.
std::string unescape(std::string_view logged, std::size_t& end) {
  WEBVOX_FUZZ_CHECK(!logged.empty() && logged[0] == '"', logged);
  std::string out;
  std::size_t i = 1;
  while (true) {
    WEBVOX_FUZZ_CHECK(i < logged.size(), logged);
    const char c = logged[i];
    if (c == '"') break;
    if (c != '\\') {
      out += c;
      ++i;
      continue;
    }
    WEBVOX_FUZZ_CHECK(i + 1 < logged.size(), logged);
    const char kind = logged[i + 1];
    if (kind == '"' || kind == '\\') {
      out += kind;
      i += 2;
    } else if (kind == 'n' || kind == 'r' || kind == 't') {
      out += kind == 'n' ? '\n' : kind == 'r' ? '\r' : '\t';
      i += 2;
    } else if (kind == 'x') {
      WEBVOX_FUZZ_CHECK(i + 3 < logged.size(), logged);
      const int high = hex(logged[i + 2]);
      const int low = hex(logged[i + 3]);
      WEBVOX_FUZZ_CHECK(high >= 0 && low >= 0, logged);
      out += static_cast<char>(high * 16 + low);
      i += 4;
    } else if (kind == 'u') {
      WEBVOX_FUZZ_CHECK(i + 2 < logged.size() && logged[i + 2] == '{', logged);
      char32_t cp = 0;
      std::size_t k = i + 3;
      for (; k < logged.size() && logged[k] != '}'; ++k) {
        WEBVOX_FUZZ_CHECK(hex(logged[k]) >= 0, logged);
        cp = cp * 16 + static_cast<char32_t>(hex(logged[k]));
      }
      WEBVOX_FUZZ_CHECK(k < logged.size() && k - (i + 3) >= 4 && k - (i + 3) <= 6, logged);
      append_utf8(out, cp);
      i = k + 1;
    } else {
      fuzz::fail("unknown escape", logged);
    }
  }
  end = i;
  return out;
}

void check(std::string_view input, std::size_t max_bytes) {
  const auto logged = base::log_text(input, max_bytes);
  WEBVOX_FUZZ_CHECK(fuzz::is_valid_utf8(logged, false), logged);
  for (std::size_t i = 0; i < logged.size(); ++i) {
    const auto byte = static_cast<unsigned char>(logged[i]);
    WEBVOX_FUZZ_CHECK(byte >= 0x20 && byte != 0x7f, logged);
    // No C1 control (U+0080..U+009F is C2 80..C2 9F) and no line separator (E2 80 A8/A9).
    if (byte == 0xC2 && i + 1 < logged.size()) {
      WEBVOX_FUZZ_CHECK(static_cast<unsigned char>(logged[i + 1]) >= 0xA0, logged);
    }
    if (byte == 0xE2 && i + 2 < logged.size() &&
        static_cast<unsigned char>(logged[i + 1]) == 0x80) {
      const auto third = static_cast<unsigned char>(logged[i + 2]);
      WEBVOX_FUZZ_CHECK(third < 0xA8 || third > 0xAE, logged);
    }
  }
  // Each input byte becomes at most 4 output bytes (\xNN), an escaped code point at most 10
  // for its 2–4 bytes; plus quotes and the note.
  WEBVOX_FUZZ_CHECK(logged.size() <= 4 * std::min(input.size(), max_bytes) + 2 + 32, logged);

  std::size_t end = 0;
  const auto shown = unescape(logged, end);
  WEBVOX_FUZZ_CHECK(shown.size() <= max_bytes, logged);
  WEBVOX_FUZZ_CHECK(input.substr(0, shown.size()) == shown, logged);
  const auto note = logged.substr(end + 1);
  if (shown.size() == input.size()) {
    WEBVOX_FUZZ_CHECK(note.empty(), logged);
  } else {
    // Cut only where the next character would not fit (a character is at most 4 bytes).
    WEBVOX_FUZZ_CHECK(shown.size() + 4 > max_bytes, logged);
    WEBVOX_FUZZ_CHECK(note == "...(+" + std::to_string(input.size() - shown.size()) + " bytes)",
                      logged);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check(input, base::kLogTextMaxBytes);
  // A small cap cuts often: every cut position gets exercised.
  if (size > 0) check(input.substr(1), data[0] % 16);
  return 0;
}
