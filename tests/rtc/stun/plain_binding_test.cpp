// Plain Binding requests, as a STUN client (libwebrtc gathering its server-reflexive
// candidate, `stun` tools) sends them to a STUN server: answered with the mapped address
// (RFC 8489 §6.3.1), while ICE checks keep their own path.
#include "rtc/stun/plain_binding.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "rfc5769_vectors.hpp"
#include "rtc/stun/ice_lite_responder.hpp"
#include "rtc/stun/message_integrity.hpp"
#include "rtc/stun/stun_writer.hpp"
#include "stun_test_support.hpp"

namespace webvox::rtc::stun {
namespace {

using testing::attribute_types;
using testing::kTransactionId;
using testing::parse_or_throw;

const IceTime kNow{};
const auto kClient = TransportAddress::ipv4({203, 0, 113, 5}, 61234);
const auto kClient6 = TransportAddress::ipv6(
    {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34}, 60000);

// The smallest request there is: a header and nothing else (what libwebrtc sends a STUN server).
std::vector<std::uint8_t> bare_request() {
  return StunMessageBuilder(kBindingMethod, StunClass::Request, kTransactionId).finish({}, false);
}

CheckOutcome respond(std::span<const std::uint8_t> packet,
                     const TransportAddress& source = kClient) {
  IceSessionTable no_sessions;
  return respond_to_stun(packet, source, no_sessions, kNow);
}

TEST(PlainBinding, ABareRequestGetsItsSourceBackAndNothingElse) {
  const auto request_bytes = bare_request();
  ASSERT_EQ(request_bytes.size(), kHeaderSize);
  const auto outcome = respond(request_bytes);
  const auto* answered = std::get_if<BindingAnswered>(&outcome);
  ASSERT_NE(answered, nullptr);
  EXPECT_FALSE(answered->unknown_attributes);
  const auto response = parse_or_throw(answered->response);
  EXPECT_TRUE(response.is(kBindingMethod, StunClass::SuccessResponse));
  EXPECT_EQ(response.transaction_id, kTransactionId);
  EXPECT_EQ(response.xor_mapped_address, kClient);
  EXPECT_EQ(attribute_types(response), std::vector<std::uint16_t>{attribute::kXorMappedAddress});
  EXPECT_EQ(answered->response.size(), 32u);  // header + XOR-MAPPED-ADDRESS (IPv4)
}

TEST(PlainBinding, AnswersIpv6SourcesAndAddsFingerprintOnlyWhenAsked) {
  const auto plain = answer_plain_binding(parse_or_throw(bare_request()), kClient6);
  EXPECT_EQ(parse_or_throw(plain.response).xor_mapped_address, kClient6);
  EXPECT_EQ(check_fingerprint(parse_or_throw(plain.response)), AttributeCheck::Missing);
  EXPECT_EQ(plain.response.size(), 44u);

  const auto with_fingerprint =
      StunMessageBuilder(kBindingMethod, StunClass::Request, kTransactionId).finish({}, true);
  const auto outcome = respond(with_fingerprint, kClient6);
  const auto* answered = std::get_if<BindingAnswered>(&outcome);
  ASSERT_NE(answered, nullptr);
  const auto response = parse_or_throw(answered->response);
  EXPECT_EQ(response.xor_mapped_address, kClient6);
  EXPECT_EQ(check_fingerprint(response), AttributeCheck::Valid);
  EXPECT_EQ(check_message_integrity(response, "any"), AttributeCheck::Missing);
  EXPECT_EQ(answered->response.size(), 52u);  // the largest success answer there is
}

TEST(PlainBinding, IgnoresAttributesItNeedNotUnderstand) {
  const std::vector<std::uint8_t> software{'v', 'i', 'e', 'w', 'e', 'r'};
  StunMessageBuilder builder(kBindingMethod, StunClass::Request, kTransactionId);
  builder.add_attribute(attribute::kSoftware, software).add_priority(12345);
  const auto outcome = respond(std::move(builder).finish({}, true));
  const auto* answered = std::get_if<BindingAnswered>(&outcome);
  ASSERT_NE(answered, nullptr);
  EXPECT_FALSE(answered->unknown_attributes);
  EXPECT_EQ(parse_or_throw(answered->response).xor_mapped_address, kClient);
}

TEST(PlainBinding, UnknownComprehensionRequiredAttributesGet420) {
  const std::vector<std::uint8_t> value{1, 2, 3, 4};
  for (const bool with_fingerprint : {false, true}) {
    StunMessageBuilder builder(kBindingMethod, StunClass::Request, kTransactionId);
    builder.add_attribute(0x0042, value)
        .add_attribute(0x001C, value);  // …, MESSAGE-INTEGRITY-SHA256
    const auto outcome = respond(std::move(builder).finish({}, with_fingerprint));
    const auto* answered = std::get_if<BindingAnswered>(&outcome);
    ASSERT_NE(answered, nullptr);
    EXPECT_TRUE(answered->unknown_attributes);
    const auto response = parse_or_throw(answered->response);
    EXPECT_TRUE(response.is(kBindingMethod, StunClass::ErrorResponse));
    EXPECT_EQ(response.transaction_id, kTransactionId);
    ASSERT_TRUE(response.error_code.has_value());
    EXPECT_EQ(response.error_code->code, 420);
    EXPECT_FALSE(response.xor_mapped_address.has_value());
    const auto unknown =
        std::find_if(response.attributes.begin(), response.attributes.end(),
                     [](const RawAttribute& a) { return a.type == attribute::kUnknownAttributes; });
    ASSERT_NE(unknown, response.attributes.end());
    EXPECT_EQ(std::vector<std::uint8_t>(unknown->value.begin(), unknown->value.end()),
              (std::vector<std::uint8_t>{0x00, 0x42, 0x00, 0x1C}));
    EXPECT_EQ(check_fingerprint(response),
              with_fingerprint ? AttributeCheck::Valid : AttributeCheck::Missing);
    EXPECT_EQ(check_message_integrity(response, "any"), AttributeCheck::Missing);
  }
}

TEST(PlainBinding, AWrongFingerprintIsStillDropped) {
  auto request =
      StunMessageBuilder(kBindingMethod, StunClass::Request, kTransactionId).finish({}, true);
  request.back() ^= 0x01;
  const auto outcome = respond(request);
  ASSERT_TRUE(std::holds_alternative<CheckDropped>(outcome));
  EXPECT_EQ(std::get<CheckDropped>(outcome).reason, DropReason::BadFingerprint);
}

TEST(PlainBinding, OnlyRequestsWithoutUsernameAndIntegrityArePlain) {
  // USERNAME without MESSAGE-INTEGRITY: an ICE check gone wrong, refused as before.
  StunMessageBuilder with_username(kBindingMethod, StunClass::Request, kTransactionId);
  with_username.add_username("Xk3q:a1B2");
  const auto outcome = respond(std::move(with_username).finish({}, true));
  const auto* rejected = std::get_if<CheckRejected>(&outcome);
  ASSERT_NE(rejected, nullptr);
  EXPECT_EQ(rejected->reason, RejectionReason::MissingCredentials);
  // MESSAGE-INTEGRITY without USERNAME: the same.
  const auto integrity_only =
      StunMessageBuilder(kBindingMethod, StunClass::Request, kTransactionId).finish("key", true);
  EXPECT_FALSE(is_plain_binding_request(parse_or_throw(integrity_only)));
  EXPECT_TRUE(std::holds_alternative<CheckRejected>(respond(integrity_only)));
  // The RFC 5769 request is an ICE check (USERNAME, MESSAGE-INTEGRITY).
  EXPECT_FALSE(is_plain_binding_request(parse_or_throw(rfc5769::kRequest)));
  // Indications and responses are not requests: no FINGERPRINT-less answer for them.
  for (const auto message_class : {StunClass::Indication, StunClass::SuccessResponse}) {
    const auto bytes =
        StunMessageBuilder(kBindingMethod, message_class, kTransactionId).finish({}, false);
    EXPECT_FALSE(is_plain_binding_request(parse_or_throw(bytes)));
    const auto dropped = respond(bytes);
    ASSERT_TRUE(std::holds_alternative<CheckDropped>(dropped));
    EXPECT_EQ(std::get<CheckDropped>(dropped).reason, DropReason::NoFingerprint);
  }
  // Another method.
  const auto allocate =
      StunMessageBuilder(0x003, StunClass::Request, kTransactionId).finish({}, true);
  EXPECT_FALSE(is_plain_binding_request(parse_or_throw(allocate)));
  EXPECT_EQ(std::get<CheckDropped>(respond(allocate)).reason, DropReason::NotBindingRequest);
}

TEST(PlainBinding, DropsClassicStunAndEveryTruncation) {
  // RFC 3489 (no magic cookie) is not answered: XOR-MAPPED-ADDRESS needs the cookie.
  auto classic = bare_request();
  classic[4] = 0;
  EXPECT_EQ(std::get<CheckDropped>(respond(classic)).reason, DropReason::Malformed);
  const auto with_fingerprint =
      StunMessageBuilder(kBindingMethod, StunClass::Request, kTransactionId).finish({}, true);
  for (std::size_t size = 0; size < with_fingerprint.size(); ++size) {
    const std::span<const std::uint8_t> truncated(with_fingerprint.data(), size);
    const auto outcome = respond(truncated);
    ASSERT_TRUE(std::holds_alternative<CheckDropped>(outcome)) << "size " << size;
  }
}

}  // namespace
}  // namespace webvox::rtc::stun
