#include "core/admin_auth.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "store/sqlite_admin_session_repository.hpp"

using namespace webvox;
using core::TokenCheck;

class AdminAuthTest : public ::testing::Test {
 protected:
  store::SqliteDatabase db{":memory:"};
  store::SqliteAdminSessionRepository sessions{db};
  core::CredentialThrottle throttle;
  core::AdminAuth auth{sessions, {"opensim-admin", "s3cret-Pass"}, throttle};

  // A sign-in from its own source each time: these tests are not about the throttle.
  std::optional<std::string> sign_in(std::string_view user, std::string_view password) {
    const auto source = "192.0.2." + std::to_string(++attempts_);
    auto result = auth.sign_in(user, password, {source, core::MonotonicTime{}});
    if (result.check.verdict != core::CredentialVerdict::Accepted) return std::nullopt;
    return result.token;
  }

 private:
  int attempts_ = 0;
};

TEST_F(AdminAuthTest, RightCredentialsGiveAUrlSafeToken) {
  const auto token = sign_in("opensim-admin", "s3cret-Pass");
  ASSERT_TRUE(token);
  EXPECT_TRUE(std::regex_match(*token, std::regex("[A-Za-z0-9_-]{43}")));
  EXPECT_EQ(auth.check(*token), TokenCheck::Valid);
}

TEST_F(AdminAuthTest, WrongCredentialsGiveNothing) {
  EXPECT_FALSE(sign_in("opensim-admin", "wrong"));
  EXPECT_FALSE(sign_in("other", "s3cret-Pass"));
  EXPECT_FALSE(sign_in("", ""));
  EXPECT_FALSE(sign_in("opensim-admin", "s3cret-Pass "));
}

TEST_F(AdminAuthTest, EachSignInGetsItsOwnTokenAndSignOutEndsOnlyThatOne) {
  const auto first = *sign_in("opensim-admin", "s3cret-Pass");
  const auto second = *sign_in("opensim-admin", "s3cret-Pass");
  EXPECT_NE(first, second);
  EXPECT_TRUE(auth.sign_out(first));
  EXPECT_EQ(auth.check(first), TokenCheck::SignedOut);
  EXPECT_EQ(auth.check(second), TokenCheck::Valid);
}

TEST_F(AdminAuthTest, ClassifiesMissingAndUnknownTokens) {
  EXPECT_EQ(auth.check(""), TokenCheck::Missing);
  EXPECT_EQ(auth.check("never-issued"), TokenCheck::Unknown);
  EXPECT_EQ(auth.check(std::string(5000, 'a')), TokenCheck::Unknown);
  EXPECT_FALSE(auth.sign_out("never-issued"));
}

TEST_F(AdminAuthTest, StoresOnlyADigestOfTheToken) {
  const auto token = *sign_in("opensim-admin", "s3cret-Pass");
  std::lock_guard lock(db.mutex());
  auto query = db.prepare("SELECT count(*) FROM admin_sessions WHERE token_digest = ?1");
  query.bind(1, token);
  ASSERT_TRUE(query.step());
  EXPECT_EQ(query.integer(0), 0);
}

// Every admin credential check goes through the throttle as one account.
TEST_F(AdminAuthTest, ChecksAreThrottledPerSourceAsOneAccount) {
  const core::CredentialSource guesser{"203.0.113.9", core::MonotonicTime{}};
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(auth.check_credentials("opensim-admin", "guess", guesser).verdict,
              core::CredentialVerdict::Refused);
  }
  const auto throttled = auth.check_credentials("opensim-admin", "s3cret-Pass", guesser);
  EXPECT_EQ(throttled.verdict, core::CredentialVerdict::Throttled);
  EXPECT_EQ(throttled.admission.decision, core::CredentialThrottle::Decision::SourceBlocked);
  const auto signed_in = auth.sign_in("opensim-admin", "s3cret-Pass", {"198.51.100.7", {}});
  EXPECT_EQ(signed_in.check.verdict, core::CredentialVerdict::Accepted);
  EXPECT_EQ(auth.check(signed_in.token), TokenCheck::Valid);
  EXPECT_TRUE(auth.is_admin_user("opensim-admin"));
  EXPECT_FALSE(auth.is_admin_user("opensim-admin "));
}
