#include "rtc/stun/stun_message.hpp"

#include <algorithm>

#include "base/big_endian.hpp"
#include "rtc/stun/xor_mapped_address.hpp"

namespace webvox::rtc::stun {
namespace {

// RFC 8489 only needs the top two bits clear; RFC 7983 also reserves methods 0x100-0xFFF so
// that a STUN message's first byte is 0-3 and never collides with DTLS (20-63) or ZRTP.
constexpr std::uint8_t kLargestFirstByte = 3;

std::uint16_t method_of(std::uint16_t type) {
  return static_cast<std::uint16_t>((type & 0x000F) | ((type & 0x00E0) >> 1) |
                                    ((type & 0x3E00) >> 2));
}

StunClass class_of(std::uint16_t type) {
  return static_cast<StunClass>(((type >> 4) & 0x1) | ((type >> 7) & 0x2));
}

bool is_understood(std::uint16_t type) {
  switch (type) {
    case attribute::kMappedAddress:
    case attribute::kUsername:
    case attribute::kMessageIntegrity:
    case attribute::kErrorCode:
    case attribute::kUnknownAttributes:
    case attribute::kXorMappedAddress:
    case attribute::kPriority:
    case attribute::kUseCandidate:
      return true;
    default:
      return false;
  }
}

std::optional<ErrorCodeAttribute> decode_error_code(std::span<const std::uint8_t> value) {
  if (value.size() < 4 || value.size() - 4 > kMaxReasonPhraseBytes) return std::nullopt;
  const unsigned error_class = value[2] & 0x07;
  const unsigned number = value[3];
  if (error_class < 3 || error_class > 6 || number > 99) return std::nullopt;
  const auto reason = value.subspan(4);
  return ErrorCodeAttribute{static_cast<std::uint16_t>(error_class * 100 + number),
                            {reinterpret_cast<const char*>(reason.data()), reason.size()}};
}

// Decodes one attribute ICE cares about into `message`; false if its value is impossible.
bool decode_known(StunMessage& message, const RawAttribute& attr) {
  const auto value = attr.value;
  switch (attr.type) {
    case attribute::kUsername:
      if (value.size() > kMaxUsernameBytes) return false;
      if (!message.username) {
        message.username =
            std::string_view(reinterpret_cast<const char*>(value.data()), value.size());
      }
      return true;
    case attribute::kMessageIntegrity:
      if (value.size() != kHmacSha1Size) return false;
      if (!message.message_integrity_offset) message.message_integrity_offset = attr.offset;
      return true;
    case attribute::kFingerprint:
      if (value.size() != 4) return false;
      message.fingerprint_offset = attr.offset;
      return true;
    case attribute::kPriority:
      if (value.size() != 4) return false;
      if (!message.priority) message.priority = base::big_endian::read_u32(value, 0);
      return true;
    case attribute::kUseCandidate:
      if (!value.empty()) return false;
      message.use_candidate = true;
      return true;
    case attribute::kIceControlling:
      if (value.size() != 8) return false;
      if (!message.ice_controlling) message.ice_controlling = base::big_endian::read_u64(value, 0);
      return true;
    case attribute::kIceControlled:
      if (value.size() != 8) return false;
      if (!message.ice_controlled) message.ice_controlled = base::big_endian::read_u64(value, 0);
      return true;
    case attribute::kXorMappedAddress: {
      const auto address = decode_xor_mapped_address(value, message.transaction_id);
      if (!address) return false;
      if (!message.xor_mapped_address) message.xor_mapped_address = address;
      return true;
    }
    case attribute::kErrorCode: {
      const auto error = decode_error_code(value);
      if (!error) return false;
      if (!message.error_code) message.error_code = error;
      return true;
    }
    default:
      if (is_comprehension_required(attr.type) && !is_understood(attr.type)) {
        auto& unknown = message.unknown_comprehension_required;
        if (std::find(unknown.begin(), unknown.end(), attr.type) == unknown.end()) {
          unknown.push_back(attr.type);
        }
      }
      return true;
  }
}

std::optional<StunParseError> parse_attributes(StunMessage& message) {
  const auto bytes = message.bytes;
  std::size_t offset = kHeaderSize;
  while (offset < bytes.size()) {
    if (message.fingerprint_offset) return StunParseError::AttributeAfterFingerprint;
    if (bytes.size() - offset < kAttributeHeaderSize) return StunParseError::AttributeOverrun;
    const std::uint16_t type = base::big_endian::read_u16(bytes, offset);
    const std::size_t length = base::big_endian::read_u16(bytes, offset + 2);
    const std::size_t value_at = offset + kAttributeHeaderSize;
    if (length > bytes.size() - value_at) return StunParseError::AttributeOverrun;
    const RawAttribute attr{type, bytes.subspan(value_at, length), offset};
    offset = value_at + ((length + 3) & ~std::size_t{3});

    const bool after_integrity = message.message_integrity_offset.has_value();
    if (after_integrity && type != attribute::kFingerprint) continue;
    if (!decode_known(message, attr)) return StunParseError::MalformedAttribute;
    message.attributes.push_back(attr);
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(StunParseError error) {
  switch (error) {
    case StunParseError::TooShort:
      return "shorter than a STUN header";
    case StunParseError::NotStun:
      return "not a STUN message";
    case StunParseError::LengthNotMultipleOfFour:
      return "length not a multiple of 4";
    case StunParseError::Truncated:
      return "truncated";
    case StunParseError::TrailingBytes:
      return "bytes after the message";
    case StunParseError::AttributeOverrun:
      return "attribute runs past the message";
    case StunParseError::MalformedAttribute:
      return "malformed attribute";
    case StunParseError::AttributeAfterFingerprint:
      return "attribute after FINGERPRINT";
  }
  return "unknown STUN parse error";
}

std::uint16_t encode_message_type(std::uint16_t method, StunClass message_class) {
  const auto klass = static_cast<std::uint16_t>(message_class);
  return static_cast<std::uint16_t>((method & 0x000F) | ((method & 0x0070) << 1) |
                                    ((method & 0x0F80) << 2) | ((klass & 0x1) << 4) |
                                    ((klass & 0x2) << 7));
}

base::Expected<StunMessage, StunParseError> parse_stun_message(
    std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kHeaderSize) return base::unexpected(StunParseError::TooShort);
  const std::uint16_t type = base::big_endian::read_u16(bytes, 0);
  if (bytes[0] > kLargestFirstByte || base::big_endian::read_u32(bytes, 4) != kMagicCookie) {
    return base::unexpected(StunParseError::NotStun);
  }
  const std::size_t length = base::big_endian::read_u16(bytes, 2);
  if (length % 4 != 0) return base::unexpected(StunParseError::LengthNotMultipleOfFour);
  if (bytes.size() < kHeaderSize + length) return base::unexpected(StunParseError::Truncated);
  if (bytes.size() > kHeaderSize + length) return base::unexpected(StunParseError::TrailingBytes);

  StunMessage message;
  message.method = method_of(type);
  message.message_class = class_of(type);
  std::copy_n(bytes.begin() + 8, message.transaction_id.size(), message.transaction_id.begin());
  message.bytes = bytes;
  if (const auto error = parse_attributes(message)) return base::unexpected(*error);
  return message;
}

}  // namespace webvox::rtc::stun
