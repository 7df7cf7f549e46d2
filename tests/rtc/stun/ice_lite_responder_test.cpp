#include "rtc/stun/ice_lite_responder.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rfc5769_vectors.hpp"
#include "rtc/stun/message_integrity.hpp"
#include "rtc/stun/stun_writer.hpp"
#include "stun_test_support.hpp"

namespace webvox::rtc::stun {
namespace {

using std::chrono::seconds;
using testing::kTransactionId;
using testing::parse_or_throw;

constexpr std::string_view kServerUfrag = "Xk3q";
constexpr std::string_view kServerPassword = "9uKz2w1Qe8RtYv0LmNbVcXsA";
constexpr std::string_view kBrowserUfrag = "a1B2";
const IceTime kNow = IceTime{} + seconds(1000);
const auto kBrowser = TransportAddress::ipv4({203, 0, 113, 5}, 61234);

struct BrowserCheck {
  std::string username = std::string(kServerUfrag) + ":" + std::string(kBrowserUfrag);
  std::string password = std::string(kServerPassword);
  bool use_candidate = false;
  bool controlled = false;  // claims ICE-CONTROLLED instead of ICE-CONTROLLING
  bool with_integrity = true;
  bool with_fingerprint = true;
};

// What Chrome sends to a lite server: USERNAME, ICE-CONTROLLING, PRIORITY, (USE-CANDIDATE),
// MESSAGE-INTEGRITY, FINGERPRINT.
std::vector<std::uint8_t> browser_check(const BrowserCheck& check) {
  StunMessageBuilder builder(kBindingMethod, StunClass::Request, kTransactionId);
  builder.add_username(check.username);
  if (check.controlled) {
    builder.add_ice_controlled(0x1122334455667788u);
  } else {
    builder.add_ice_controlling(0x1122334455667788u);
  }
  builder.add_priority(0x6e7f1eff);
  if (check.use_candidate) builder.add_use_candidate();
  std::optional<std::string_view> password;
  if (check.with_integrity) password = check.password;
  return std::move(builder).finish(password, check.with_fingerprint);
}

class IceLiteResponderTest : public ::testing::Test {
 protected:
  IceLiteResponderTest() {
    sessions_.add(IceLiteSession({std::string(kServerUfrag), std::string(kServerPassword)},
                                 std::string(kBrowserUfrag)));
  }

  CheckOutcome respond(const std::vector<std::uint8_t>& packet,
                       const TransportAddress& source = kBrowser) {
    return respond_to_stun(packet, source, sessions_, kNow);
  }

  IceLiteSession& session() { return *sessions_.find(kServerUfrag); }

  IceSessionTable sessions_;
};

TEST_F(IceLiteResponderTest, BrowserCheckWithUseCandidateNominatesItsAddress) {
  const auto outcome = respond(browser_check({.use_candidate = true}));
  const auto* accepted = std::get_if<CheckAccepted>(&outcome);
  ASSERT_NE(accepted, nullptr);
  EXPECT_TRUE(accepted->nominated);
  EXPECT_EQ(accepted->session, &session());
  EXPECT_EQ(session().nominated_address(), kBrowser);
  EXPECT_EQ(session().state(kNow), IceState::Connected);

  const auto response = parse_or_throw(accepted->response);
  EXPECT_TRUE(response.is(kBindingMethod, StunClass::SuccessResponse));
  EXPECT_EQ(response.transaction_id, kTransactionId);
  EXPECT_EQ(response.xor_mapped_address, kBrowser);
  EXPECT_EQ(check_message_integrity(response, kServerPassword), AttributeCheck::Valid);
  EXPECT_EQ(check_fingerprint(response), AttributeCheck::Valid);
}

TEST_F(IceLiteResponderTest, CheckWithoutUseCandidateConnectsButDoesNotNominate) {
  const auto outcome = respond(browser_check({}));
  const auto* accepted = std::get_if<CheckAccepted>(&outcome);
  ASSERT_NE(accepted, nullptr);
  EXPECT_FALSE(accepted->nominated);
  EXPECT_FALSE(session().nominated_address().has_value());
  EXPECT_EQ(session().state(kNow), IceState::Connected);
}

TEST_F(IceLiteResponderTest, MapsAnIpv6SourceIntoTheResponse) {
  const auto source =
      TransportAddress::ipv6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01}, 443);
  const auto outcome = respond(browser_check({.use_candidate = true}), source);
  const auto* accepted = std::get_if<CheckAccepted>(&outcome);
  ASSERT_NE(accepted, nullptr);
  EXPECT_EQ(parse_or_throw(accepted->response).xor_mapped_address, source);
  EXPECT_EQ(session().nominated_address(), source);
}

void expect_rejected(const CheckOutcome& outcome, RejectionReason reason, std::uint16_t code,
                     bool authenticated) {
  const auto* rejected = std::get_if<CheckRejected>(&outcome);
  ASSERT_NE(rejected, nullptr);
  EXPECT_EQ(rejected->reason, reason);
  const auto response = parse_or_throw(rejected->response);
  EXPECT_TRUE(response.is(kBindingMethod, StunClass::ErrorResponse));
  EXPECT_EQ(response.transaction_id, kTransactionId);
  ASSERT_TRUE(response.error_code.has_value());
  EXPECT_EQ(response.error_code->code, code);
  EXPECT_EQ(check_fingerprint(response), AttributeCheck::Valid);
  EXPECT_EQ(check_message_integrity(response, kServerPassword),
            authenticated ? AttributeCheck::Valid : AttributeCheck::Missing);
}

TEST_F(IceLiteResponderTest, WrongPasswordGets401WithoutTouchingTheSession) {
  expect_rejected(respond(browser_check({.password = "not-the-password", .use_candidate = true})),
                  RejectionReason::BadIntegrity, 401, false);
  EXPECT_EQ(session().state(kNow), IceState::Checking);
  EXPECT_FALSE(session().nominated_address().has_value());
}

TEST_F(IceLiteResponderTest, UnknownUfragGets401) {
  expect_rejected(respond(browser_check({.username = "nope:a1B2"})),
                  RejectionReason::UnknownUsername, 401, false);
  expect_rejected(respond(browser_check({.username = "Xk3q"})), RejectionReason::UnknownUsername,
                  401, false);
}

TEST_F(IceLiteResponderTest, WrongRemoteUfragGets401) {
  expect_rejected(respond(browser_check({.username = "Xk3q:zzzz"})),
                  RejectionReason::UnknownUsername, 401, false);
}

TEST_F(IceLiteResponderTest, MissingIntegrityGets400) {
  expect_rejected(respond(browser_check({.with_integrity = false})),
                  RejectionReason::MissingCredentials, 400, false);
}

TEST_F(IceLiteResponderTest, PeerClaimingControlledGets487) {
  expect_rejected(respond(browser_check({.use_candidate = true, .controlled = true})),
                  RejectionReason::RoleConflict, 487, true);
  EXPECT_FALSE(session().nominated_address().has_value());
}

TEST_F(IceLiteResponderTest, UnknownComprehensionRequiredAttributeGets420) {
  StunMessageBuilder builder(kBindingMethod, StunClass::Request, kTransactionId);
  const std::vector<std::uint8_t> value{1, 2, 3, 4};
  builder.add_username("Xk3q:a1B2").add_ice_controlling(1).add_attribute(0x0042, value);
  const auto outcome = respond(std::move(builder).finish(kServerPassword, true));
  expect_rejected(outcome, RejectionReason::UnknownRequiredAttribute, 420, true);
}

TEST_F(IceLiteResponderTest, DropsWithoutOrWithABadFingerprint) {
  const auto without = respond(browser_check({.with_fingerprint = false}));
  ASSERT_TRUE(std::holds_alternative<CheckDropped>(without));
  EXPECT_EQ(std::get<CheckDropped>(without).reason, DropReason::NoFingerprint);

  auto bad = browser_check({.use_candidate = true});
  bad.back() ^= 0x01;
  const auto outcome = respond(bad);
  ASSERT_TRUE(std::holds_alternative<CheckDropped>(outcome));
  EXPECT_EQ(std::get<CheckDropped>(outcome).reason, DropReason::BadFingerprint);
  EXPECT_EQ(session().state(kNow), IceState::Checking);
}

TEST_F(IceLiteResponderTest, DropsIndicationsAndResponses) {
  for (const auto message_class : {StunClass::Indication, StunClass::SuccessResponse}) {
    const auto bytes =
        StunMessageBuilder(kBindingMethod, message_class, kTransactionId).finish({}, true);
    const auto outcome = respond(bytes);
    ASSERT_TRUE(std::holds_alternative<CheckDropped>(outcome));
    EXPECT_EQ(std::get<CheckDropped>(outcome).reason, DropReason::NotBindingRequest);
  }
}

TEST_F(IceLiteResponderTest, DropsEveryTruncationOfAValidCheck) {
  const auto check = browser_check({.use_candidate = true});
  for (std::size_t size = 0; size < check.size(); ++size) {
    const std::vector<std::uint8_t> truncated(check.begin(),
                                              check.begin() + static_cast<std::ptrdiff_t>(size));
    const auto outcome = respond(truncated);
    ASSERT_TRUE(std::holds_alternative<CheckDropped>(outcome)) << "size " << size;
    EXPECT_EQ(std::get<CheckDropped>(outcome).reason, DropReason::Malformed);
  }
  EXPECT_EQ(session().state(kNow), IceState::Checking);
}

TEST_F(IceLiteResponderTest, RoutesChecksToTheirOwnSessionOnASharedPort) {
  sessions_.add(IceLiteSession({"Yy77", "another-password-123456"}, "c3D4"));
  const auto other_address = TransportAddress::ipv4({198, 51, 100, 9}, 5000);
  auto other_check = browser_check(
      {.username = "Yy77:c3D4", .password = "another-password-123456", .use_candidate = true});
  ASSERT_TRUE(std::holds_alternative<CheckAccepted>(respond(other_check, other_address)));
  EXPECT_EQ(sessions_.find("Yy77")->nominated_address(), other_address);
  EXPECT_FALSE(session().nominated_address().has_value());
}

TEST_F(IceLiteResponderTest, Rfc5769RequestAuthenticatesAndGetsARoleConflict) {
  // The RFC's sample request comes from a controlled agent: it authenticates with the RFC's
  // password, and a lite server, controlled too, answers 487.
  IceSessionTable table;
  table.add(IceLiteSession({"evtj", std::string(rfc5769::kPassword)}, "h6vY"));
  const auto outcome = respond_to_stun(rfc5769::kRequest, kBrowser, table, kNow);
  const auto* rejected = std::get_if<CheckRejected>(&outcome);
  ASSERT_NE(rejected, nullptr);
  EXPECT_EQ(rejected->reason, RejectionReason::RoleConflict);
  const auto response = parse_or_throw(rejected->response);
  EXPECT_EQ(check_message_integrity(response, rfc5769::kPassword), AttributeCheck::Valid);
}

TEST_F(IceLiteResponderTest, ConsentExpiresWithoutFurtherChecks) {
  ASSERT_TRUE(
      std::holds_alternative<CheckAccepted>(respond(browser_check({.use_candidate = true}))));
  EXPECT_EQ(session().state(kNow + seconds(29)), IceState::Connected);
  EXPECT_EQ(session().state(kNow + seconds(30)), IceState::Disconnected);
}

}  // namespace
}  // namespace webvox::rtc::stun
