#include "world/secondlife_headers.hpp"

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

}  // namespace

std::optional<std::string> region_name_of(std::string_view header) {
  // Region names may themselves hold parentheses: the corner is the last " (".
  const auto open = header.rfind(" (");
  if (open == std::string_view::npos || open == 0 || header.back() != ')') return std::nullopt;
  const auto corner = header.substr(open + 2, header.size() - open - 3);
  const auto comma = corner.find(", ");
  if (comma == std::string_view::npos || !is_integer(corner.substr(0, comma)) ||
      !is_integer(corner.substr(comma + 2))) {
    return std::nullopt;
  }
  return std::string(header.substr(0, open));
}

}  // namespace webvox::world
