#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace webvox::vivox {

// A decimal number as the module prints it: "2", "2.5", or "2,5" where the simulator's
// culture uses a decimal comma. NaN if the text is not a finite number.
double parse_decimal(std::string_view text);
// A positive integer id; nothing for anything else.
std::optional<std::int64_t> parse_id(std::string_view text);
// A non-negative count (page sizes and offsets); nothing for anything else.
std::optional<std::size_t> parse_count(std::string_view text);

}  // namespace webvox::vivox
