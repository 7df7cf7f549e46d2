#include "world/secondlife_headers.hpp"

#include <cmath>
#include <cstdlib>
#include <string>

namespace webvox::world {
namespace {

bool is_integer(std::string_view text) {
  if (!text.empty() && text.front() == '-') text.remove_prefix(1);
  if (text.empty()) return false;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

struct RegionHeader {
  std::string_view name;
  std::string_view x, y;
};

// "{RegionName} ({x}, {y})". Region names may themselves hold parentheses: the corner is
// the last " (".
std::optional<RegionHeader> split_region_header(std::string_view header) {
  const auto open = header.rfind(" (");
  if (open == std::string_view::npos || open == 0 || header.back() != ')') return std::nullopt;
  const auto corner = header.substr(open + 2, header.size() - open - 3);
  const auto comma = corner.find(", ");
  if (comma == std::string_view::npos || !is_integer(corner.substr(0, comma)) ||
      !is_integer(corner.substr(comma + 2))) {
    return std::nullopt;
  }
  return RegionHeader{header.substr(0, open), corner.substr(0, comma), corner.substr(comma + 2)};
}

std::optional<double> metres(std::string_view digits) {
  // At most 9 digits: grid coordinates are far below a billion metres.
  if (digits.size() > (digits.front() == '-' ? 10u : 9u)) return std::nullopt;
  return static_cast<double>(std::stoll(std::string(digits)));
}

}  // namespace

std::optional<LocalPosition> local_position_of(std::string_view header) {
  if (header.size() < 7 || header.size() > 128 || header.front() != '(' || header.back() != ')') {
    return std::nullopt;
  }
  double values[3];
  std::string_view rest = header.substr(1, header.size() - 2);
  for (int i = 0; i < 3; ++i) {
    const auto comma = rest.find(',');
    if ((i < 2) != (comma != std::string_view::npos)) return std::nullopt;
    auto number = rest.substr(0, comma);
    while (!number.empty() && number.front() == ' ') number.remove_prefix(1);
    const std::string text(number);
    char* end = nullptr;
    values[i] = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(values[i]))
      return std::nullopt;
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  }
  return LocalPosition{values[0], values[1], values[2]};
}

std::optional<std::string> region_name_of(std::string_view header) {
  const auto parts = split_region_header(header);
  if (!parts) return std::nullopt;
  return std::string(parts->name);
}

std::optional<RegionCorner> region_corner_of(std::string_view header) {
  const auto parts = split_region_header(header);
  if (!parts) return std::nullopt;
  const auto x = metres(parts->x);
  const auto y = metres(parts->y);
  if (!x || !y) return std::nullopt;
  return RegionCorner{*x, *y};
}

}  // namespace webvox::world
