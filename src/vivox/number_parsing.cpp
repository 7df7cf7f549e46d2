#include "vivox/number_parsing.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <string>

namespace webvox::vivox {
namespace {

template <typename T>
std::optional<T> parse_whole(std::string_view text) {
  T value{};
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

double parse_decimal(std::string_view text) {
  constexpr double kNotANumber = std::numeric_limits<double>::quiet_NaN();
  if (text.empty() || text.size() > 64) return kNotANumber;
  std::string normalized(text);
  if (const auto comma = normalized.find(','); comma != std::string::npos) normalized[comma] = '.';
  if (normalized.front() == '+') normalized.erase(0, 1);
  double value = 0;
  const char* end = normalized.data() + normalized.size();
  const auto [ptr, ec] = std::from_chars(normalized.data(), end, value, std::chars_format::fixed);
  if (normalized.empty() || ec != std::errc{} || ptr != end || !std::isfinite(value)) {
    return kNotANumber;
  }
  return value;
}

std::optional<std::int64_t> parse_id(std::string_view text) {
  const auto value = parse_whole<std::int64_t>(text);
  if (!value || *value <= 0) return std::nullopt;
  return value;
}

std::optional<std::size_t> parse_count(std::string_view text) {
  return parse_whole<std::size_t>(text);
}

}  // namespace webvox::vivox
