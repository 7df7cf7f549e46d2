// Writing STUN messages: a builder for any message, and the Binding responses an ICE-lite
// server sends. Input here comes from our own code, so misuse (an attribute over 64 KiB)
// throws std::length_error instead of returning an error.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "rtc/stun/stun_constants.hpp"
#include "rtc/stun/stun_message.hpp"
#include "rtc/stun/transport_address.hpp"

namespace webvox::rtc::stun {

class StunMessageBuilder {
 public:
  StunMessageBuilder(std::uint16_t method, StunClass message_class,
                     const TransactionId& transaction_id);

  // Pads the value to 32 bits with zeros.
  StunMessageBuilder& add_attribute(std::uint16_t type, std::span<const std::uint8_t> value);
  StunMessageBuilder& add_username(std::string_view username);
  StunMessageBuilder& add_priority(std::uint32_t priority);
  StunMessageBuilder& add_use_candidate();
  StunMessageBuilder& add_ice_controlling(std::uint64_t tie_breaker);
  StunMessageBuilder& add_ice_controlled(std::uint64_t tie_breaker);
  StunMessageBuilder& add_xor_mapped_address(const TransportAddress& address);
  StunMessageBuilder& add_error_code(std::uint16_t code, std::string_view reason);
  StunMessageBuilder& add_unknown_attributes(std::span<const std::uint16_t> types);

  // Ends the message: MESSAGE-INTEGRITY when a password is given, then FINGERPRINT when asked
  // (ICE puts it on every message, RFC 8445 §7.2.2).
  std::vector<std::uint8_t> finish(std::optional<std::string_view> integrity_password,
                                   bool with_fingerprint) &&;

 private:
  void set_length();

  TransactionId transaction_id_;
  std::vector<std::uint8_t> bytes_;
};

// Binding success response to a verified check: XOR-MAPPED-ADDRESS (where the request came
// from), MESSAGE-INTEGRITY with the local password, FINGERPRINT.
std::vector<std::uint8_t> write_binding_success(const TransactionId& transaction_id,
                                                const TransportAddress& mapped_address,
                                                std::string_view local_password);

// Binding error response. MESSAGE-INTEGRITY only when the request was authenticated (420,
// 487); 400 and 401 go without, since the requester's credentials were not accepted
// (RFC 8489 §9.1.3). `unknown` fills UNKNOWN-ATTRIBUTES for 420.
std::vector<std::uint8_t> write_binding_error(const TransactionId& transaction_id,
                                              StunErrorCode code,
                                              std::optional<std::string_view> local_password,
                                              std::span<const std::uint16_t> unknown = {});

std::string_view reason_phrase(StunErrorCode code);

// The message again from what the parser kept: header and listed attributes, zero padding,
// MESSAGE-INTEGRITY and FINGERPRINT copied as they were (so they verify only if the input
// had zero padding and nothing ignored). Parsing the result gives the same message.
std::vector<std::uint8_t> reserialize(const StunMessage& message);

}  // namespace webvox::rtc::stun
