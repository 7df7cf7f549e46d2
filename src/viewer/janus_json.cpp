#include "viewer/janus_json.hpp"

namespace webvox::viewer {

using nlohmann::json;

const json* json_member(const json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto found = object.find(key);
  return found == object.end() ? nullptr : &*found;
}

std::optional<std::uint64_t> json_exact_uint(const json& value) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>();
  if (value.is_number_integer()) {
    const auto signed_value = value.get<std::int64_t>();
    if (signed_value >= 0) return static_cast<std::uint64_t>(signed_value);
  }
  return std::nullopt;
}

namespace {

bool has_kind(const json& value, JsonKind kind) {
  switch (kind) {
    case JsonKind::String:
      return value.is_string();
    case JsonKind::PositiveInteger:
      return json_exact_uint(value).has_value();
    case JsonKind::Boolean:
      return value.is_boolean();
    case JsonKind::Object:
      return value.is_object();
    case JsonKind::Array:
      return value.is_array();
  }
  return false;
}

std::string_view kind_name(JsonKind kind) {
  switch (kind) {
    case JsonKind::String:
      return "a string";
    case JsonKind::PositiveInteger:
      return "a positive integer";
    case JsonKind::Boolean:
      return "a boolean";
    case JsonKind::Object:
      return "an object";
    case JsonKind::Array:
      return "an array";
  }
  return "a value";
}

}  // namespace

MemberCheck check_member(const json& object, std::string_view key, JsonKind kind, bool required) {
  const json* value = json_member(object, key);
  if (value == nullptr) {
    if (!required) return {};
    return {MemberProblem::Missing, "Missing mandatory element (" + std::string(key) + ")"};
  }
  if (has_kind(*value, kind)) return {};
  return {MemberProblem::WrongType, "Invalid element type (" + std::string(key) + " should be " +
                                        std::string(kind_name(kind)) + ")"};
}

std::string to_json_text(const JanusJson& value) {
  return value.dump(-1, ' ', false, JanusJson::error_handler_t::replace);
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace webvox::viewer
