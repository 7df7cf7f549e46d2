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
  core::AdminAuth auth{sessions, {"opensim-admin", "s3cret-Pass"}};
};

TEST_F(AdminAuthTest, RightCredentialsGiveAUrlSafeToken) {
  const auto token = auth.sign_in("opensim-admin", "s3cret-Pass");
  ASSERT_TRUE(token);
  EXPECT_TRUE(std::regex_match(*token, std::regex("[A-Za-z0-9_-]{43}")));
  EXPECT_EQ(auth.check(*token), TokenCheck::Valid);
}

TEST_F(AdminAuthTest, WrongCredentialsGiveNothing) {
  EXPECT_FALSE(auth.sign_in("opensim-admin", "wrong"));
  EXPECT_FALSE(auth.sign_in("other", "s3cret-Pass"));
  EXPECT_FALSE(auth.sign_in("", ""));
  EXPECT_FALSE(auth.sign_in("opensim-admin", "s3cret-Pass "));
}

TEST_F(AdminAuthTest, EachSignInGetsItsOwnTokenAndSignOutEndsOnlyThatOne) {
  const auto first = *auth.sign_in("opensim-admin", "s3cret-Pass");
  const auto second = *auth.sign_in("opensim-admin", "s3cret-Pass");
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
  const auto token = *auth.sign_in("opensim-admin", "s3cret-Pass");
  std::lock_guard lock(db.mutex());
  auto query = db.prepare("SELECT count(*) FROM admin_sessions WHERE token_digest = ?1");
  query.bind(1, token);
  ASSERT_TRUE(query.step());
  EXPECT_EQ(query.integer(0), 0);
}
