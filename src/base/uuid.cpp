#include "base/uuid.hpp"

#include "base/hex_digit.hpp"

namespace webvox::base {
namespace {

constexpr std::size_t kTextLength = 36;

bool is_hyphen_position(std::size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

}  // namespace

std::optional<Uuid> parse_uuid(std::string_view text) {
  if (text.size() != kTextLength) return std::nullopt;
  Uuid uuid{};
  std::size_t byte = 0;
  int high = -1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_hyphen_position(i)) {
      if (text[i] != '-') return std::nullopt;
      continue;
    }
    const int value = hex_digit_value(text[i]);
    if (value < 0) return std::nullopt;
    if (high < 0) {
      high = value;
    } else {
      uuid[byte++] = static_cast<unsigned char>(high << 4 | value);
      high = -1;
    }
  }
  return uuid;
}

std::string format_uuid(const Uuid& uuid) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(kTextLength);
  for (std::size_t i = 0; i < uuid.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text += '-';
    text += kDigits[uuid[i] >> 4];
    text += kDigits[uuid[i] & 0x0f];
  }
  return text;
}

bool is_nil(const Uuid& uuid) {
  for (const auto byte : uuid) {
    if (byte != 0) return false;
  }
  return true;
}

}  // namespace webvox::base
