#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "base/expected.hpp"
#include "core/position.hpp"

namespace webvox::signalling {

struct Hello {
  std::optional<std::string> account;
  std::optional<std::string> password;
  std::optional<std::string> token;
  std::string name;
};
struct Join {
  std::string channel;
};
struct Leave {};
struct Signal {
  std::string to;
  nlohmann::json data;  // validated: exactly one of description / candidate
};
struct State {
  std::optional<bool> muted;
  std::optional<bool> speaking;
};
struct Ping {};
struct PositionUpdate {
  core::Position position;  // validated: finite, in bounds, yaw in (-pi, pi]
};
struct Floor {
  std::string member;
  bool granted = false;
};
struct Hand {
  bool raised = false;
};
struct SfuOffer {
  std::string sdp;
};

using ClientMessage =
    std::variant<Hello, Join, Leave, Signal, State, Ping, PositionUpdate, Floor, Hand, SfuOffer>;

struct ParsedMessage {
  nlohmann::json id;  // null when the client sent none
  ClientMessage message;
};

struct MessageError {
  nlohmann::json id;
  std::string message;  // what is wrong, for the client's developer
};

// Limits of docs/signalling.md.
struct MessageLimits {
  static constexpr std::size_t kMaxMessageBytes = 65536;
  static constexpr std::size_t kMaxSdpBytes = 32768;
  static constexpr std::size_t kMaxCandidateBytes = 1024;
  static constexpr std::size_t kMaxNameBytes = 64;
  static constexpr std::size_t kMaxIdLength = 64;
  static constexpr std::size_t kMaxFieldBytes = 2048;  // accounts, passwords, tokens, URIs
};

// Parses and checks one client message (docs/signalling.md); never throws.
base::Expected<ParsedMessage, MessageError> parse_client_message(std::string_view text);

// A display name: trimmed, control characters removed, cut to kMaxNameBytes at a
// character boundary.
std::string clean_display_name(std::string_view name);

}  // namespace webvox::signalling
