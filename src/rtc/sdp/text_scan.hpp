// Tokenising helpers for SDP values: fields are separated by single spaces, numbers are plain
// decimal digits with an upper bound, tokens use the RFC 8866 token-char set.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace webvox::rtc::sdp {

// Splits on runs of spaces (browsers write single spaces; tolerating runs costs nothing).
std::vector<std::string_view> split_words(std::string_view text);

// "name:value" → {name, value}; value is empty (and has_value false) without a colon.
struct NameValue {
  std::string_view name;
  std::string_view value;
  bool has_value = false;
};
NameValue split_attribute(std::string_view text);

std::string_view trim_spaces(std::string_view text);

// Decimal digits only, no sign, at most `maximum`; leading zeros allowed as SDP allows them.
std::optional<std::uint64_t> parse_decimal(std::string_view text, std::uint64_t maximum);

// RFC 8866 token: visible ASCII except the separators listed there.
bool is_token(std::string_view text);
// Printable ASCII without spaces (what most values that are not tokens need).
bool is_visible(std::string_view text);
bool equals_ignoring_case(std::string_view a, std::string_view b);

}  // namespace webvox::rtc::sdp
