#include "rtc/stun/stun_writer.hpp"

#include <limits>
#include <new>
#include <stdexcept>

#include "base/big_endian.hpp"
#include "rtc/stun/message_integrity.hpp"
#include "rtc/stun/xor_mapped_address.hpp"

namespace webvox::rtc::stun {
namespace {

constexpr std::size_t kMaxBodySize = std::numeric_limits<std::uint16_t>::max() & ~std::size_t{3};

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

}  // namespace

StunMessageBuilder::StunMessageBuilder(std::uint16_t method, StunClass message_class,
                                       const TransactionId& transaction_id)
    : transaction_id_(transaction_id) {
  base::big_endian::append_u16(bytes_, encode_message_type(method, message_class));
  base::big_endian::append_u16(bytes_, 0);
  base::big_endian::append_u32(bytes_, kMagicCookie);
  bytes_.insert(bytes_.end(), transaction_id.begin(), transaction_id.end());
}

StunMessageBuilder& StunMessageBuilder::add_attribute(std::uint16_t type,
                                                      std::span<const std::uint8_t> value) {
  const std::size_t padded = (value.size() + 3) & ~std::size_t{3};
  if (bytes_.size() - kHeaderSize + kAttributeHeaderSize + padded > kMaxBodySize) {
    throw std::length_error("STUN message over 64 KiB");
  }
  base::big_endian::append_u16(bytes_, type);
  base::big_endian::append_u16(bytes_, static_cast<std::uint16_t>(value.size()));
  bytes_.insert(bytes_.end(), value.begin(), value.end());
  bytes_.resize(bytes_.size() + (padded - value.size()), 0);
  set_length();
  return *this;
}

StunMessageBuilder& StunMessageBuilder::add_username(std::string_view username) {
  return add_attribute(attribute::kUsername, bytes_of(username));
}

StunMessageBuilder& StunMessageBuilder::add_priority(std::uint32_t priority) {
  std::vector<std::uint8_t> value;
  base::big_endian::append_u32(value, priority);
  return add_attribute(attribute::kPriority, value);
}

StunMessageBuilder& StunMessageBuilder::add_use_candidate() {
  return add_attribute(attribute::kUseCandidate, {});
}

StunMessageBuilder& StunMessageBuilder::add_ice_controlling(std::uint64_t tie_breaker) {
  std::vector<std::uint8_t> value;
  base::big_endian::append_u64(value, tie_breaker);
  return add_attribute(attribute::kIceControlling, value);
}

StunMessageBuilder& StunMessageBuilder::add_ice_controlled(std::uint64_t tie_breaker) {
  std::vector<std::uint8_t> value;
  base::big_endian::append_u64(value, tie_breaker);
  return add_attribute(attribute::kIceControlled, value);
}

StunMessageBuilder& StunMessageBuilder::add_xor_mapped_address(const TransportAddress& address) {
  return add_attribute(attribute::kXorMappedAddress,
                       encode_xor_mapped_address(address, transaction_id_));
}

StunMessageBuilder& StunMessageBuilder::add_error_code(std::uint16_t code,
                                                       std::string_view reason) {
  std::vector<std::uint8_t> value{0, 0, static_cast<std::uint8_t>(code / 100),
                                  static_cast<std::uint8_t>(code % 100)};
  const auto phrase = bytes_of(reason.substr(0, kMaxReasonPhraseBytes));
  value.insert(value.end(), phrase.begin(), phrase.end());
  return add_attribute(attribute::kErrorCode, value);
}

StunMessageBuilder& StunMessageBuilder::add_unknown_attributes(
    std::span<const std::uint16_t> types) {
  std::vector<std::uint8_t> value;
  for (const auto type : types) base::big_endian::append_u16(value, type);
  return add_attribute(attribute::kUnknownAttributes, value);
}

std::vector<std::uint8_t> StunMessageBuilder::finish(
    std::optional<std::string_view> integrity_password, bool with_fingerprint) && {
  if (integrity_password) {
    const auto mac = compute_message_integrity(bytes_, *integrity_password);
    if (!mac) throw std::bad_alloc();
    add_attribute(attribute::kMessageIntegrity, *mac);
  }
  if (with_fingerprint) {
    std::vector<std::uint8_t> value;
    base::big_endian::append_u32(value, compute_fingerprint(bytes_));
    add_attribute(attribute::kFingerprint, value);
  }
  return std::move(bytes_);
}

void StunMessageBuilder::set_length() {
  base::big_endian::write_u16(bytes_, 2, static_cast<std::uint16_t>(bytes_.size() - kHeaderSize));
}

std::string_view reason_phrase(StunErrorCode code) {
  switch (code) {
    case StunErrorCode::BadRequest:
      return "Bad Request";
    case StunErrorCode::Unauthorized:
      return "Unauthorized";
    case StunErrorCode::UnknownAttribute:
      return "Unknown Attribute";
    case StunErrorCode::RoleConflict:
      return "Role Conflict";
  }
  return "Error";
}

std::vector<std::uint8_t> write_binding_success(const TransactionId& transaction_id,
                                                const TransportAddress& mapped_address,
                                                std::string_view local_password) {
  StunMessageBuilder builder(kBindingMethod, StunClass::SuccessResponse, transaction_id);
  builder.add_xor_mapped_address(mapped_address);
  return std::move(builder).finish(local_password, true);
}

std::vector<std::uint8_t> write_binding_error(const TransactionId& transaction_id,
                                              StunErrorCode code,
                                              std::optional<std::string_view> local_password,
                                              std::span<const std::uint16_t> unknown) {
  StunMessageBuilder builder(kBindingMethod, StunClass::ErrorResponse, transaction_id);
  builder.add_error_code(static_cast<std::uint16_t>(code), reason_phrase(code));
  if (!unknown.empty()) builder.add_unknown_attributes(unknown);
  return std::move(builder).finish(local_password, true);
}

std::vector<std::uint8_t> reserialize(const StunMessage& message) {
  StunMessageBuilder builder(message.method, message.message_class, message.transaction_id);
  for (const auto& attr : message.attributes) builder.add_attribute(attr.type, attr.value);
  return std::move(builder).finish(std::nullopt, false);
}

}  // namespace webvox::rtc::stun
