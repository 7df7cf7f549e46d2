#include "signalling/client_message.hpp"

#include "base/json_text.hpp"
#include "core/channel_service.hpp"

namespace webvox::signalling {
namespace {

using nlohmann::json;

struct Invalid {
  std::string message;
};

const json* field(const json& object, const char* name) {
  const auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

std::optional<std::string> optional_string(const json& object, const char* name,
                                           std::size_t max_bytes = MessageLimits::kMaxFieldBytes) {
  const json* value = field(object, name);
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_string()) throw Invalid{std::string(name) + " must be a string"};
  const auto& text = value->get_ref<const std::string&>();
  if (text.size() > max_bytes) throw Invalid{std::string(name) + " is too long"};
  return text;
}

std::string required_string(const json& object, const char* name,
                            std::size_t max_bytes = MessageLimits::kMaxFieldBytes) {
  auto value = optional_string(object, name, max_bytes);
  if (!value || value->empty()) throw Invalid{std::string(name) + " is required"};
  return *value;
}

std::optional<bool> optional_bool(const json& object, const char* name) {
  const json* value = field(object, name);
  if (!value || value->is_null()) return std::nullopt;
  if (!value->is_boolean()) throw Invalid{std::string(name) + " must be true or false"};
  return value->get<bool>();
}

bool required_bool(const json& object, const char* name) {
  const auto value = optional_bool(object, name);
  if (!value) throw Invalid{std::string(name) + " is required"};
  return *value;
}

double number(const json& value, const std::string& name) {
  if (!value.is_number()) throw Invalid{name + " must be a number"};
  return value.get<double>();
}

double required_number(const json& object, const char* name) {
  const json* value = field(object, name);
  if (!value) throw Invalid{std::string(name) + " is required"};
  return number(*value, name);
}

double heading(const json& object) {
  const json* yaw = field(object, "yaw");
  const json* rotation = field(object, "rotation");
  if (yaw && rotation) throw Invalid{"give yaw or rotation, not both"};
  if (yaw) return number(*yaw, "yaw");
  if (!rotation) return 0;
  if (!rotation->is_array() || rotation->size() != 4) {
    throw Invalid{"rotation must be [x, y, z, s]"};
  }
  const core::Quaternion q{number((*rotation)[0], "rotation"), number((*rotation)[1], "rotation"),
                           number((*rotation)[2], "rotation"), number((*rotation)[3], "rotation")};
  const auto angle = core::yaw_of(q);
  if (!angle) throw Invalid{angle.error().message};
  return *angle;
}

PositionUpdate parse_position(const json& object) {
  const auto checked =
      core::validate_position(required_number(object, "x"), required_number(object, "y"),
                              required_number(object, "z"), heading(object));
  if (!checked) throw Invalid{checked.error().message};
  return PositionUpdate{*checked};
}

Hello parse_hello(const json& object) {
  Hello hello;
  hello.account = optional_string(object, "account");
  hello.password = optional_string(object, "password");
  hello.token = optional_string(object, "token");
  if (const auto name = optional_string(object, "name", 4 * MessageLimits::kMaxNameBytes)) {
    hello.name = clean_display_name(*name);
  }
  const bool with_password = hello.account && hello.password;
  if (with_password == hello.token.has_value()) {
    throw Invalid{"hello needs either account and password, or token"};
  }
  return hello;
}

void check_description(const json& description) {
  if (!description.is_object()) throw Invalid{"description must be an object"};
  const auto type = required_string(description, "type");
  if (type != "offer" && type != "answer" && type != "pranswer" && type != "rollback") {
    throw Invalid{"description.type must be offer, answer, pranswer or rollback"};
  }
  if (type != "rollback") required_string(description, "sdp", MessageLimits::kMaxSdpBytes);
}

void check_candidate(const json& candidate) {
  if (candidate.is_null()) return;  // end of candidates
  if (!candidate.is_object()) throw Invalid{"candidate must be an object or null"};
  optional_string(candidate, "candidate", MessageLimits::kMaxCandidateBytes);
  optional_string(candidate, "sdpMid", 64);
  optional_string(candidate, "usernameFragment", 256);
  if (const json* index = field(candidate, "sdpMLineIndex");
      index && !index->is_null() && !index->is_number_unsigned()) {
    throw Invalid{"candidate.sdpMLineIndex must be a whole number"};
  }
}

Signal parse_signal(const json& object) {
  Signal signal;
  signal.to = required_string(object, "to", 64);
  const json* data = field(object, "data");
  if (!data || !data->is_object()) throw Invalid{"data must be an object"};
  const json* description = field(*data, "description");
  const bool has_candidate = data->contains("candidate");
  if ((description != nullptr) == has_candidate) {
    throw Invalid{"data needs exactly one of description and candidate"};
  }
  if (description) {
    check_description(*description);
    signal.data = json{{"description", *description}};
  } else {
    check_candidate(data->at("candidate"));
    signal.data = json{{"candidate", data->at("candidate")}};
  }
  return signal;
}

ClientMessage parse_body(const std::string& type, const json& object) {
  if (type == "hello") return parse_hello(object);
  if (type == "join") return Join{required_string(object, "channel")};
  if (type == "leave") return Leave{};
  if (type == "signal") return parse_signal(object);
  if (type == "state")
    return State{optional_bool(object, "muted"), optional_bool(object, "speaking")};
  if (type == "ping") return Ping{};
  if (type == "position") return parse_position(object);
  if (type == "floor")
    return Floor{required_string(object, "member", 64), required_bool(object, "granted")};
  if (type == "hand") return Hand{required_bool(object, "raised")};
  if (type == "sfu-offer")
    return SfuOffer{required_string(object, "sdp", MessageLimits::kMaxSdpBytes)};
  throw Invalid{"unknown message type '" + type.substr(0, 32) + "'"};
}

}  // namespace

std::string clean_display_name(std::string_view name) {
  std::string out;
  for (const char c : name) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
  }
  const auto first = out.find_first_not_of(' ');
  if (first == std::string::npos) return {};
  out = out.substr(first, out.find_last_not_of(' ') - first + 1);
  return core::truncate_utf8(out, MessageLimits::kMaxNameBytes);
}

base::Expected<ParsedMessage, MessageError> parse_client_message(std::string_view text) {
  const json object = base::parse_json_text(text).value_or(json(json::value_t::discarded));
  if (!object.is_object())
    return base::unexpected(MessageError{nullptr, "a message must be a JSON object"});
  json id = nullptr;
  if (const json* given = field(object, "id")) {
    const bool short_string = given->is_string() && given->get_ref<const std::string&>().size() <=
                                                        MessageLimits::kMaxIdLength;
    if (!short_string && !given->is_number_integer() && !given->is_number_unsigned()) {
      return base::unexpected(MessageError{nullptr, "id must be a short string or a whole number"});
    }
    id = *given;
  }
  const json* type = field(object, "type");
  if (!type || !type->is_string()) return base::unexpected(MessageError{id, "type is required"});
  try {
    return ParsedMessage{id, parse_body(type->get<std::string>(), object)};
  } catch (const Invalid& invalid) {
    return base::unexpected(MessageError{id, invalid.message});
  }
}

}  // namespace webvox::signalling
