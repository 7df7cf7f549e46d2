// MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 §14.5) and FINGERPRINT (CRC-32, §14.7), both computed
// over the message before the attribute, with the header's length rewritten to end just after
// the attribute, as if it were the last one.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "rtc/stun/stun_constants.hpp"
#include "rtc/stun/stun_message.hpp"

namespace webvox::rtc::stun {

using MessageIntegrity = std::array<std::uint8_t, kHmacSha1Size>;

// `prefix` is the message up to (not including) the attribute's header. The key is the ICE
// password as bytes: ICE passwords are ASCII ice-chars, which OpaqueString leaves unchanged.
// nullopt only if OpenSSL fails (out of memory).
std::optional<MessageIntegrity> compute_message_integrity(std::span<const std::uint8_t> prefix,
                                                          std::string_view password);
std::uint32_t compute_fingerprint(std::span<const std::uint8_t> prefix);

enum class AttributeCheck { Valid, Missing, Mismatch };

// Constant-time comparison: the result must not leak how much of a forged HMAC was right.
AttributeCheck check_message_integrity(const StunMessage& message, std::string_view password);
AttributeCheck check_fingerprint(const StunMessage& message);

}  // namespace webvox::rtc::stun
