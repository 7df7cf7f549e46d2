#include <gtest/gtest.h>

#include <vector>

#include "rfc5769_vectors.hpp"
#include "rtc/stun/message_integrity.hpp"
#include "rtc/stun/stun_writer.hpp"
#include "rtc/stun/xor_mapped_address.hpp"
#include "stun_test_support.hpp"

namespace webvox::rtc::stun {
namespace {

using testing::attribute_types;
using testing::kTransactionId;
using testing::parse_or_throw;

const TransactionId kRfcTransactionId = {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
                                         0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};
const auto kIpv4 = TransportAddress::ipv4({192, 0, 2, 1}, 32853);
const auto kIpv6 = TransportAddress::ipv6({0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78, 0x00,
                                           0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77},
                                          32853);

std::vector<std::uint8_t> slice(const std::vector<std::uint8_t>& bytes, std::size_t from,
                                std::size_t size) {
  return {bytes.begin() + static_cast<std::ptrdiff_t>(from),
          bytes.begin() + static_cast<std::ptrdiff_t>(from + size)};
}

TEST(StunWriter, EncodesXorMappedAddressesAsInRfc5769) {
  EXPECT_EQ(encode_xor_mapped_address(kIpv4, kRfcTransactionId),
            slice(rfc5769::kIpv4Response, 40, 8));
  EXPECT_EQ(encode_xor_mapped_address(kIpv6, kRfcTransactionId),
            slice(rfc5769::kIpv6Response, 40, 20));
}

TEST(StunWriter, ComputesTheRfc5769IntegrityAndFingerprintValues) {
  const auto& request = rfc5769::kRequest;
  const auto mac = compute_message_integrity(std::span(request).first(76), rfc5769::kPassword);
  ASSERT_TRUE(mac.has_value());
  EXPECT_EQ(std::vector<std::uint8_t>(mac->begin(), mac->end()), slice(request, 80, 20));
  EXPECT_EQ(compute_fingerprint(std::span(request).first(100)), 0xe57a3bcfu);
}

TEST(StunWriter, BindingSuccessCarriesMappedAddressIntegrityAndFingerprint) {
  for (const auto& mapped : {kIpv4, kIpv6}) {
    const auto bytes = write_binding_success(kTransactionId, mapped, "server-password");
    const auto message = parse_or_throw(bytes);
    EXPECT_TRUE(message.is(kBindingMethod, StunClass::SuccessResponse));
    EXPECT_EQ(message.transaction_id, kTransactionId);
    EXPECT_EQ(message.xor_mapped_address, mapped);
    EXPECT_EQ(attribute_types(message),
              (std::vector<std::uint16_t>{attribute::kXorMappedAddress,
                                          attribute::kMessageIntegrity, attribute::kFingerprint}));
    EXPECT_EQ(check_message_integrity(message, "server-password"), AttributeCheck::Valid);
    EXPECT_EQ(check_fingerprint(message), AttributeCheck::Valid);
  }
}

TEST(StunWriter, UnauthorizedAndBadRequestGoWithoutIntegrity) {
  for (const auto code : {StunErrorCode::BadRequest, StunErrorCode::Unauthorized}) {
    const auto bytes = write_binding_error(kTransactionId, code, std::nullopt);
    const auto message = parse_or_throw(bytes);
    EXPECT_TRUE(message.is(kBindingMethod, StunClass::ErrorResponse));
    ASSERT_TRUE(message.error_code.has_value());
    EXPECT_EQ(message.error_code->code, static_cast<std::uint16_t>(code));
    EXPECT_EQ(message.error_code->reason, reason_phrase(code));
    EXPECT_EQ(check_message_integrity(message, "x"), AttributeCheck::Missing);
    EXPECT_EQ(check_fingerprint(message), AttributeCheck::Valid);
  }
}

TEST(StunWriter, RoleConflictIsAuthenticated) {
  const auto bytes = write_binding_error(kTransactionId, StunErrorCode::RoleConflict, "pw");
  const auto message = parse_or_throw(bytes);
  EXPECT_EQ(message.error_code->code, 487);
  EXPECT_EQ(check_message_integrity(message, "pw"), AttributeCheck::Valid);
  EXPECT_EQ(check_fingerprint(message), AttributeCheck::Valid);
}

TEST(StunWriter, UnknownAttributeErrorListsTheTypes) {
  const std::vector<std::uint16_t> unknown{0x7777, 0x0042};
  const auto bytes =
      write_binding_error(kTransactionId, StunErrorCode::UnknownAttribute, "pw", unknown);
  const auto message = parse_or_throw(bytes);
  const auto& attr = message.attributes.at(1);
  EXPECT_EQ(attr.type, attribute::kUnknownAttributes);
  EXPECT_EQ(std::vector<std::uint8_t>(attr.value.begin(), attr.value.end()),
            (std::vector<std::uint8_t>{0x77, 0x77, 0x00, 0x42}));
}

TEST(StunWriter, RequestWithEveryIceAttributeRoundTrips) {
  StunMessageBuilder builder(kBindingMethod, StunClass::Request, kTransactionId);
  builder.add_username("srv1:brw1")
      .add_priority(0x7e7f00ff)
      .add_ice_controlling(0x0123456789abcdefu)
      .add_use_candidate();
  const auto bytes = std::move(builder).finish("pw", true);
  EXPECT_EQ(bytes.size() % 4, 0u);
  const auto message = parse_or_throw(bytes);
  EXPECT_EQ(message.username, "srv1:brw1");
  EXPECT_EQ(message.priority, 0x7e7f00ffu);
  EXPECT_EQ(message.ice_controlling, 0x0123456789abcdefu);
  EXPECT_TRUE(message.use_candidate);
  EXPECT_EQ(check_message_integrity(message, "pw"), AttributeCheck::Valid);
  EXPECT_EQ(check_fingerprint(message), AttributeCheck::Valid);
  EXPECT_EQ(reserialize(message), bytes);  // zero padding already: byte for byte
}

TEST(StunWriter, ReserialisingTheRfc5769RequestOnlyChangesPadding) {
  const auto message = parse_or_throw(rfc5769::kRequest);
  const auto again = reserialize(message);
  ASSERT_EQ(again.size(), rfc5769::kRequest.size());
  for (std::size_t i = 0; i < again.size(); ++i) {
    const bool username_padding = i >= 73 && i < 76;  // RFC 5769 pads with spaces, we with 0
    EXPECT_EQ(again[i], username_padding ? 0 : rfc5769::kRequest[i]) << "byte " << i;
  }
  EXPECT_EQ(attribute_types(parse_or_throw(again)), attribute_types(message));
}

TEST(StunWriter, RefusesAnAttributeLargerThanAMessage) {
  StunMessageBuilder builder(kBindingMethod, StunClass::Request, kTransactionId);
  const std::vector<std::uint8_t> huge(70000, 0);
  EXPECT_THROW(builder.add_attribute(0x8000, huge), std::length_error);
}

}  // namespace
}  // namespace webvox::rtc::stun
