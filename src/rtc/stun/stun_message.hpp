// Parsing STUN messages (RFC 8489) from one datagram or one ICE-TCP frame. Never throws on
// network input and never reads outside the span; what it returns borrows from that span.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "base/expected.hpp"
#include "rtc/stun/stun_constants.hpp"
#include "rtc/stun/transport_address.hpp"

namespace webvox::rtc::stun {

struct RawAttribute {
  std::uint16_t type = 0;
  std::span<const std::uint8_t> value;  // without padding
  std::size_t offset = 0;               // of the attribute header within the message
};

struct ErrorCodeAttribute {
  std::uint16_t code = 0;  // 300-699
  std::string_view reason;
};

// A parsed message. Views into the parsed bytes: keep them alive while using it.
// Where an attribute appears twice the first one counts (RFC 8489 §14).
struct StunMessage {
  std::uint16_t method = 0;
  StunClass message_class = StunClass::Request;
  TransactionId transaction_id{};
  std::span<const std::uint8_t> bytes;  // the whole message

  // In order, up to FINGERPRINT. Attributes after MESSAGE-INTEGRITY other than FINGERPRINT
  // are left out: RFC 8489 §14.5 says to ignore them, and they are not authenticated.
  std::vector<RawAttribute> attributes;

  std::optional<std::string_view> username;
  std::optional<std::uint32_t> priority;
  bool use_candidate = false;
  std::optional<std::uint64_t> ice_controlling;  // the sender's tie-breaker
  std::optional<std::uint64_t> ice_controlled;
  std::optional<TransportAddress> xor_mapped_address;
  std::optional<ErrorCodeAttribute> error_code;
  std::vector<std::uint16_t> unknown_comprehension_required;  // a request with any gets 420

  std::optional<std::size_t> message_integrity_offset;
  std::optional<std::size_t> fingerprint_offset;

  bool is(std::uint16_t wanted_method, StunClass wanted_class) const {
    return method == wanted_method && message_class == wanted_class;
  }
};

enum class StunParseError {
  TooShort,                   // less than a header
  NotStun,                    // first byte over 3 (RFC 7983), or no magic cookie
  LengthNotMultipleOfFour,    // STUN attributes are 32-bit aligned
  Truncated,                  // fewer bytes than the header's length says
  TrailingBytes,              // more bytes than the header's length says
  AttributeOverrun,           // an attribute's length reaches past the message
  MalformedAttribute,         // a known attribute with an impossible value
  AttributeAfterFingerprint,  // FINGERPRINT must be last
};

std::string_view to_string(StunParseError error);

base::Expected<StunMessage, StunParseError> parse_stun_message(std::span<const std::uint8_t> bytes);

// The message type field of a method and class (RFC 8489 §5: their bits are interleaved).
std::uint16_t encode_message_type(std::uint16_t method, StunClass message_class);

}  // namespace webvox::rtc::stun
