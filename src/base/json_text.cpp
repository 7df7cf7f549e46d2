#include "base/json_text.hpp"

namespace webvox::base {

std::optional<nlohmann::json> parse_json_text(std::string_view text) {
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  auto value = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return std::nullopt;
  return value;
}

}  // namespace webvox::base
