#include <gtest/gtest.h>

#include <string_view>
#include <vector>

#include "rfc5769_vectors.hpp"
#include "rtc/stun/message_integrity.hpp"
#include "rtc/stun/stun_message.hpp"
#include "rtc/stun/stun_writer.hpp"
#include "stun_test_support.hpp"

namespace webvox::rtc::stun {
namespace {

using testing::attribute_types;
using testing::kTransactionId;
using testing::parse_error;
using testing::parse_or_throw;

const TransactionId kRfcTransactionId = {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
                                         0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};

TEST(StunMessage, ParsesTheRfc5769Request) {
  const auto message = parse_or_throw(rfc5769::kRequest);
  EXPECT_TRUE(message.is(kBindingMethod, StunClass::Request));
  EXPECT_EQ(message.transaction_id, kRfcTransactionId);
  EXPECT_EQ(message.username, rfc5769::kUsername);
  EXPECT_EQ(message.priority, 0x6e0001ffu);
  EXPECT_EQ(message.ice_controlled, 0x932ff9b151263b36u);
  EXPECT_FALSE(message.ice_controlling.has_value());
  EXPECT_FALSE(message.use_candidate);
  EXPECT_EQ(attribute_types(message),
            (std::vector<std::uint16_t>{attribute::kSoftware, attribute::kPriority,
                                        attribute::kIceControlled, attribute::kUsername,
                                        attribute::kMessageIntegrity, attribute::kFingerprint}));
  EXPECT_EQ(message.message_integrity_offset, 76u);
  EXPECT_EQ(message.fingerprint_offset, 100u);
  EXPECT_TRUE(message.unknown_comprehension_required.empty());
}

TEST(StunMessage, VerifiesIntegrityAndFingerprintOfTheRfc5769Vectors) {
  for (const auto* vector :
       {&rfc5769::kRequest, &rfc5769::kIpv4Response, &rfc5769::kIpv6Response}) {
    const auto message = parse_or_throw(*vector);
    EXPECT_EQ(check_message_integrity(message, rfc5769::kPassword), AttributeCheck::Valid);
    EXPECT_EQ(check_fingerprint(message), AttributeCheck::Valid);
  }
}

TEST(StunMessage, DecodesTheIpv4MappedAddressOfTheRfc5769Response) {
  const auto message = parse_or_throw(rfc5769::kIpv4Response);
  EXPECT_TRUE(message.is(kBindingMethod, StunClass::SuccessResponse));
  EXPECT_EQ(message.xor_mapped_address, TransportAddress::ipv4({192, 0, 2, 1}, 32853));
}

TEST(StunMessage, DecodesTheIpv6MappedAddressOfTheRfc5769Response) {
  const auto message = parse_or_throw(rfc5769::kIpv6Response);
  EXPECT_EQ(message.xor_mapped_address,
            TransportAddress::ipv6({0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78, 0x00, 0x11,
                                    0x22, 0x33, 0x44, 0x55, 0x66, 0x77},
                                   32853));
  EXPECT_EQ(message.xor_mapped_address->to_string(),
            "[2001:db8:1234:5678:11:2233:4455:6677]:32853");
}

TEST(StunMessage, WrongPasswordFailsIntegrity) {
  const auto message = parse_or_throw(rfc5769::kRequest);
  EXPECT_EQ(check_message_integrity(message, "VOkJxbRl1RmTxUk/WvJxBT"), AttributeCheck::Mismatch);
  EXPECT_EQ(check_message_integrity(message, ""), AttributeCheck::Mismatch);
}

TEST(StunMessage, AlteredBodyFailsIntegrityAndFingerprint) {
  auto altered = rfc5769::kRequest;
  altered[47] ^= 0x01;  // last byte of PRIORITY
  const auto message = parse_or_throw(altered);
  EXPECT_EQ(check_message_integrity(message, rfc5769::kPassword), AttributeCheck::Mismatch);
  EXPECT_EQ(check_fingerprint(message), AttributeCheck::Mismatch);
}

TEST(StunMessage, AlteredFingerprintFailsOnlyTheFingerprint) {
  auto altered = rfc5769::kRequest;
  altered.back() ^= 0x80;
  const auto message = parse_or_throw(altered);
  EXPECT_EQ(check_message_integrity(message, rfc5769::kPassword), AttributeCheck::Valid);
  EXPECT_EQ(check_fingerprint(message), AttributeCheck::Mismatch);
}

TEST(StunMessage, ReportsMissingIntegrityAndFingerprint) {
  const auto bytes =
      StunMessageBuilder(kBindingMethod, StunClass::Request, kTransactionId).finish({}, false);
  const auto message = parse_or_throw(bytes);
  EXPECT_EQ(check_message_integrity(message, "pw"), AttributeCheck::Missing);
  EXPECT_EQ(check_fingerprint(message), AttributeCheck::Missing);
}

TEST(StunMessage, RejectsEveryTruncationOfTheRfc5769Vectors) {
  for (const auto* vector :
       {&rfc5769::kRequest, &rfc5769::kIpv4Response, &rfc5769::kIpv6Response}) {
    const std::span<const std::uint8_t> whole(*vector);
    for (std::size_t size = 0; size < whole.size(); ++size) {
      const auto expected =
          size < kHeaderSize ? StunParseError::TooShort : StunParseError::Truncated;
      EXPECT_EQ(parse_error(whole.first(size)), expected) << "size " << size;
    }
  }
}

TEST(StunMessage, RejectsBytesAfterTheMessage) {
  auto longer = rfc5769::kRequest;
  longer.push_back(0);
  EXPECT_EQ(parse_error(longer), StunParseError::TrailingBytes);
}

TEST(StunMessage, RejectsWrongCookieAndTopBits) {
  auto no_cookie = rfc5769::kRequest;
  no_cookie[4] = 0x22;
  EXPECT_EQ(parse_error(no_cookie), StunParseError::NotStun);
  auto top_bits = rfc5769::kRequest;
  top_bits[0] = 0x40;
  EXPECT_EQ(parse_error(top_bits), StunParseError::NotStun);
}

TEST(StunMessage, RejectsMethodsRfc7983ReservesForDemultiplexing) {
  // Methods 0x100-0xFFF would put the first byte in 4-63, where DTLS lives.
  for (const std::uint16_t method : {0x100, 0x7FF, 0xFFF}) {
    const auto bytes =
        StunMessageBuilder(method, StunClass::Request, kTransactionId).finish({}, true);
    EXPECT_EQ(parse_error(bytes), StunParseError::NotStun) << "method " << method;
  }
}

TEST(StunMessage, RejectsLengthNotMultipleOfFour) {
  auto odd = rfc5769::kRequest;
  odd[3] = 0x57;
  odd.pop_back();
  EXPECT_EQ(parse_error(odd), StunParseError::LengthNotMultipleOfFour);
}

TEST(StunMessage, RejectsAnAttributeRunningPastTheMessage) {
  auto overrun = rfc5769::kRequest;
  overrun[23] = 0x60;  // SOFTWARE claims 96 bytes, 84 remain
  EXPECT_EQ(parse_error(overrun), StunParseError::AttributeOverrun);
}

TEST(StunMessage, RejectsAttributesAfterFingerprint) {
  auto bytes =
      StunMessageBuilder(kBindingMethod, StunClass::Request, kTransactionId).finish({}, true);
  bytes.insert(bytes.end(), {0x80, 0x22, 0x00, 0x00});
  bytes[3] = static_cast<std::uint8_t>(bytes.size() - kHeaderSize);
  EXPECT_EQ(parse_error(bytes), StunParseError::AttributeAfterFingerprint);
}

TEST(StunMessage, RejectsKnownAttributesWithImpossibleValues) {
  const std::vector<std::uint8_t> two_bytes{1, 2};
  for (const auto type :
       {attribute::kPriority, attribute::kUseCandidate, attribute::kIceControlling,
        attribute::kIceControlled, attribute::kMessageIntegrity, attribute::kFingerprint,
        attribute::kXorMappedAddress, attribute::kErrorCode}) {
    StunMessageBuilder builder(kBindingMethod, StunClass::Request, kTransactionId);
    builder.add_attribute(type, two_bytes);
    const auto bytes = std::move(builder).finish({}, false);
    EXPECT_EQ(parse_error(bytes), StunParseError::MalformedAttribute) << "type " << type;
  }
}

TEST(StunMessage, RejectsAnOverlongUsername) {
  StunMessageBuilder builder(kBindingMethod, StunClass::Request, kTransactionId);
  builder.add_username(std::string(kMaxUsernameBytes + 1, 'u'));
  EXPECT_EQ(parse_error(std::move(builder).finish({}, false)), StunParseError::MalformedAttribute);
}

TEST(StunMessage, SkipsUnknownAttributesAndListsComprehensionRequiredOnes) {
  const std::vector<std::uint8_t> value{1, 2, 3};
  StunMessageBuilder builder(kBindingMethod, StunClass::Request, kTransactionId);
  builder.add_attribute(0x7777, value).add_attribute(0xC001, value).add_priority(7);
  const auto bytes = std::move(builder).finish({}, true);
  const auto message = parse_or_throw(bytes);
  EXPECT_EQ(message.unknown_comprehension_required, std::vector<std::uint16_t>{0x7777});
  EXPECT_EQ(message.priority, 7u);
  EXPECT_EQ(check_fingerprint(message), AttributeCheck::Valid);
}

TEST(StunMessage, IgnoresAttributesBetweenIntegrityAndFingerprint) {
  StunMessageBuilder builder(kBindingMethod, StunClass::Request, kTransactionId);
  builder.add_username("a:b");
  auto bytes = std::move(builder).finish("pw", false);
  bytes.insert(bytes.end(), {0x00, 0x24, 0x00, 0x04, 0, 0, 0, 9});  // PRIORITY, unauthenticated
  bytes[3] = static_cast<std::uint8_t>(bytes.size() - kHeaderSize);
  const auto message = parse_or_throw(bytes);
  EXPECT_FALSE(message.priority.has_value());
  EXPECT_EQ(attribute_types(message),
            (std::vector<std::uint16_t>{attribute::kUsername, attribute::kMessageIntegrity}));
}

TEST(StunMessage, FirstOccurrenceOfARepeatedAttributeCounts) {
  StunMessageBuilder builder(kBindingMethod, StunClass::Request, kTransactionId);
  builder.add_username("first:x").add_username("second:y").add_priority(1).add_priority(2);
  const auto bytes = std::move(builder).finish({}, false);
  const auto message = parse_or_throw(bytes);
  EXPECT_EQ(message.username, "first:x");
  EXPECT_EQ(message.priority, 1u);
}

TEST(StunMessage, DecodesErrorCode) {
  StunMessageBuilder builder(kBindingMethod, StunClass::ErrorResponse, kTransactionId);
  builder.add_error_code(487, "Role Conflict");
  const auto bytes = std::move(builder).finish({}, false);
  const auto message = parse_or_throw(bytes);
  ASSERT_TRUE(message.error_code.has_value());
  EXPECT_EQ(message.error_code->code, 487);
  EXPECT_EQ(message.error_code->reason, "Role Conflict");
}

TEST(StunMessage, MessageTypeRoundTripsForEveryMethodAndClass) {
  for (std::uint16_t method = 0; method < 0x100; ++method) {
    for (const auto message_class : {StunClass::Request, StunClass::Indication,
                                     StunClass::SuccessResponse, StunClass::ErrorResponse}) {
      const auto bytes =
          StunMessageBuilder(method, message_class, kTransactionId).finish({}, false);
      const auto message = parse_or_throw(bytes);
      ASSERT_EQ(message.method, method);
      ASSERT_EQ(message.message_class, message_class);
    }
  }
  EXPECT_EQ(encode_message_type(kBindingMethod, StunClass::SuccessResponse), 0x0101);
  EXPECT_EQ(encode_message_type(kBindingMethod, StunClass::ErrorResponse), 0x0111);
  EXPECT_EQ(encode_message_type(kBindingMethod, StunClass::Indication), 0x0011);
}

}  // namespace
}  // namespace webvox::rtc::stun
