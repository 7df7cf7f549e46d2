// Numbers from RFC 8489 (STUN), RFC 8445 (ICE) and the IANA STUN registry.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace webvox::rtc::stun {

inline constexpr std::uint32_t kMagicCookie = 0x2112A442;
inline constexpr std::size_t kHeaderSize = 20;
inline constexpr std::size_t kAttributeHeaderSize = 4;
inline constexpr std::size_t kHmacSha1Size = 20;
inline constexpr std::uint32_t kFingerprintXor = 0x5354554E;  // "STUN"

inline constexpr std::size_t kMaxUsernameBytes = 513;
inline constexpr std::size_t kMaxReasonPhraseBytes = 763;

using TransactionId = std::array<std::uint8_t, 12>;

inline constexpr std::uint16_t kBindingMethod = 0x001;

enum class StunClass : std::uint8_t {
  Request = 0,
  Indication = 1,
  SuccessResponse = 2,
  ErrorResponse = 3,
};

namespace attribute {
inline constexpr std::uint16_t kMappedAddress = 0x0001;
inline constexpr std::uint16_t kUsername = 0x0006;
inline constexpr std::uint16_t kMessageIntegrity = 0x0008;
inline constexpr std::uint16_t kErrorCode = 0x0009;
inline constexpr std::uint16_t kUnknownAttributes = 0x000A;
inline constexpr std::uint16_t kXorMappedAddress = 0x0020;
inline constexpr std::uint16_t kPriority = 0x0024;
inline constexpr std::uint16_t kUseCandidate = 0x0025;
inline constexpr std::uint16_t kSoftware = 0x8022;
inline constexpr std::uint16_t kFingerprint = 0x8028;
inline constexpr std::uint16_t kIceControlled = 0x8029;
inline constexpr std::uint16_t kIceControlling = 0x802A;
}  // namespace attribute

// RFC 8489 §14: types below 0x8000 must be understood or the request refused (420).
constexpr bool is_comprehension_required(std::uint16_t type) { return type < 0x8000; }

enum class StunErrorCode : std::uint16_t {
  BadRequest = 400,
  Unauthorized = 401,
  UnknownAttribute = 420,
  RoleConflict = 487,
};

}  // namespace webvox::rtc::stun
