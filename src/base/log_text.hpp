#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace webvox::base {

// Every byte that came from a request and goes into a log line passes through log_text:
// a log line is then always one line, free of terminal escapes, and a value cannot pass for
// the log's own words.
//
// The result is the text in double quotes. Inside: `"` and `\` are escaped with a backslash;
// newline, carriage return and tab are \n, \r, \t; every other C0 control (NUL and ESC
// included), DEL, and every byte that is not part of well-formed UTF-8 (stray or truncated
// sequences, overlong forms, surrogates) is \xNN; code points that are invisible or move
// text around (C1 controls, zero-width characters, bidirectional marks, embeddings,
// overrides and isolates, the line and paragraph separators, the byte-order mark, tag
// characters) are \u{NNNN}. Other UTF-8 (accents, CJK, emoji) stays as it is.
// At most `max_bytes` of the input are shown, cut at a character boundary; a longer text is
// followed by ...(+N bytes) after the closing quote.
inline constexpr std::size_t kLogTextMaxBytes = 160;
std::string log_text(std::string_view bytes, std::size_t max_bytes = kLogTextMaxBytes);

// For text that may be a secret typed into the wrong field (a refused user name): only its
// length, e.g. "(12 bytes, not shown)".
std::string log_withheld(std::string_view bytes);

}  // namespace webvox::base
