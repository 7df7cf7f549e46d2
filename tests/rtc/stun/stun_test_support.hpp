// Small helpers shared by the STUN tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "rtc/stun/stun_message.hpp"

namespace webvox::rtc::stun::testing {

inline const TransactionId kTransactionId = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
                                             0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c};

// Parses bytes that must be a STUN message; a parse error fails the test with its reason.
inline StunMessage parse_or_throw(std::span<const std::uint8_t> bytes) {
  auto parsed = parse_stun_message(bytes);
  if (!parsed) throw std::runtime_error("parse failed: " + std::string(to_string(parsed.error())));
  return std::move(parsed).value();
}

inline std::optional<StunParseError> parse_error(std::span<const std::uint8_t> bytes) {
  const auto parsed = parse_stun_message(bytes);
  if (!parsed) return parsed.error();
  return std::nullopt;
}

inline std::vector<std::uint16_t> attribute_types(const StunMessage& message) {
  std::vector<std::uint16_t> types;
  for (const auto& attr : message.attributes) types.push_back(attr.type);
  return types;
}

}  // namespace webvox::rtc::stun::testing
