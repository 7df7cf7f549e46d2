// Reading Janus request bodies and writing replies with nlohmann-json, without exceptions:
// member lookup, exact 64-bit ids, Janus's own member validation (and its error wording), and
// serialisation that cannot throw.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace webvox::viewer {

// Replies keep Janus's key order ("janus" first) so they read like Janus's in logs.
using JanusJson = nlohmann::ordered_json;

// The member `key` of `object`, or nothing (also when `object` is not an object).
const nlohmann::json* json_member(const nlohmann::json& object, std::string_view key);

// A JSON integer read exactly (no double on the way: participant ids exceed 2^53, spec
// correction 6). Nothing for negatives, fractions, floats, and anything else.
std::optional<std::uint64_t> json_exact_uint(const nlohmann::json& value);

// The value kinds Janus checks members against (janus_json_is_valid), named as Janus names them
// in its errors.
enum class JsonKind {
  String,           // "a string"
  PositiveInteger,  // "a positive integer": an integer >= 0 (Janus's "positive" includes 0)
  Boolean,          // "a boolean"
  Object,           // "an object"
  Array,            // "an array"
};

enum class MemberProblem { None, Missing, WrongType };

struct MemberCheck {
  MemberProblem problem = MemberProblem::None;
  std::string reason;  // Janus's wording: "Missing mandatory element (x)" or
                       // "Invalid element type (x should be a string)"
  explicit operator bool() const { return problem == MemberProblem::None; }
};

// Checks one member the way JANUS_VALIDATE_JSON_OBJECT does.
MemberCheck check_member(const nlohmann::json& object, std::string_view key, JsonKind kind,
                         bool required);

// Compact JSON text; invalid UTF-8 (there should be none: the parser rejects it) is replaced
// rather than thrown on.
std::string to_json_text(const JanusJson& value);

// Case-insensitive ASCII comparison (Janus compares "janus" and "request" with strcasecmp).
bool equals_ignoring_case(std::string_view a, std::string_view b);

}  // namespace webvox::viewer
