#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/channel.hpp"

namespace webvox::signalling {

// A member of a channel as the others see it.
struct MemberInfo {
  std::string member;  // connection id
  std::string account;
  std::string name;
  bool muted = false;
  bool speaking = false;
};

nlohmann::json to_json(const MemberInfo& member);
nlohmann::json channel_info(const core::ChannelProperties& properties);

// Serialises a server message; invalid UTF-8 (never expected) is replaced, not thrown.
std::string serialize(const nlohmann::json& message);

std::string error_message(const nlohmann::json& id, std::string_view code, std::string_view text);

}  // namespace webvox::signalling
