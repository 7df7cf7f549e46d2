#include "rtc/stun/message_integrity.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <zlib.h>

#include <algorithm>
#include <vector>

#include "base/big_endian.hpp"

namespace webvox::rtc::stun {
namespace {

constexpr std::size_t kFingerprintSize = 4;

// The header of `prefix` with its length field claiming the message ends after an attribute
// of `value_size` bytes that would follow `prefix`.
std::array<std::uint8_t, kHeaderSize> header_ending_after(std::span<const std::uint8_t> prefix,
                                                          std::size_t value_size) {
  std::array<std::uint8_t, kHeaderSize> header{};
  std::copy_n(prefix.begin(), kHeaderSize, header.begin());
  const std::size_t length = prefix.size() - kHeaderSize + kAttributeHeaderSize + value_size;
  base::big_endian::write_u16(header, 2, static_cast<std::uint16_t>(length));
  return header;
}

}  // namespace

std::optional<MessageIntegrity> compute_message_integrity(std::span<const std::uint8_t> prefix,
                                                          std::string_view password) {
  // One contiguous copy with the patched header: the one-shot HMAC() is the only HMAC entry
  // point OpenSSL 3 does not deprecate besides EVP_MAC, and a check is a few hundred bytes.
  std::vector<std::uint8_t> input(prefix.begin(), prefix.end());
  const auto header = header_ending_after(prefix, kHmacSha1Size);
  std::copy(header.begin(), header.end(), input.begin());
  MessageIntegrity mac{};
  unsigned int mac_size = 0;
  const bool ok = HMAC(EVP_sha1(), password.data(), static_cast<int>(password.size()), input.data(),
                       input.size(), mac.data(), &mac_size) != nullptr;
  if (!ok || mac_size != mac.size()) return std::nullopt;
  return mac;
}

std::uint32_t compute_fingerprint(std::span<const std::uint8_t> prefix) {
  const auto header = header_ending_after(prefix, kFingerprintSize);
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, header.data(), static_cast<uInt>(header.size()));
  const auto body = prefix.subspan(kHeaderSize);
  // A STUN message is at most 64 KiB, well below uInt's range.
  crc = crc32(crc, body.data(), static_cast<uInt>(body.size()));
  return static_cast<std::uint32_t>(crc) ^ kFingerprintXor;
}

AttributeCheck check_message_integrity(const StunMessage& message, std::string_view password) {
  if (!message.message_integrity_offset) return AttributeCheck::Missing;
  const std::size_t at = *message.message_integrity_offset;
  const auto expected = compute_message_integrity(message.bytes.first(at), password);
  const auto received = message.bytes.subspan(at + kAttributeHeaderSize, kHmacSha1Size);
  if (!expected) return AttributeCheck::Mismatch;
  return CRYPTO_memcmp(expected->data(), received.data(), expected->size()) == 0
             ? AttributeCheck::Valid
             : AttributeCheck::Mismatch;
}

AttributeCheck check_fingerprint(const StunMessage& message) {
  if (!message.fingerprint_offset) return AttributeCheck::Missing;
  const std::size_t at = *message.fingerprint_offset;
  const auto expected = compute_fingerprint(message.bytes.first(at));
  return base::big_endian::read_u32(message.bytes, at + kAttributeHeaderSize) == expected
             ? AttributeCheck::Valid
             : AttributeCheck::Mismatch;
}

}  // namespace webvox::rtc::stun
