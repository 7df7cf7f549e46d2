#include "base/password_hash.hpp"

#include <gtest/gtest.h>

using webvox::base::PasswordHasher;

TEST(PasswordHash, VerifiesTheRightPasswordOnly) {
  const PasswordHasher hasher(1000);
  const auto hash = hasher.hash("c0a8f3e1Z5b2dZ4a");
  EXPECT_TRUE(hasher.verify("c0a8f3e1Z5b2dZ4a", hash));
  EXPECT_FALSE(hasher.verify("c0a8f3e1Z5b2dZ4b", hash));
  EXPECT_FALSE(hasher.verify("", hash));
}

TEST(PasswordHash, NeverStoresThePasswordAndSaltsEachHash) {
  const PasswordHasher hasher(1000);
  const auto first = hasher.hash("secret-password");
  const auto second = hasher.hash("secret-password");
  EXPECT_EQ(first.find("secret-password"), std::string::npos);
  EXPECT_NE(first, second);
  EXPECT_TRUE(first.starts_with("pbkdf2-sha256$1000$"));
}

TEST(PasswordHash, VerifiesHashesMadeWithOtherIterationCounts) {
  const auto old_hash = PasswordHasher(500).hash("pw");
  EXPECT_TRUE(PasswordHasher(2000).verify("pw", old_hash));
}

TEST(PasswordHash, MalformedStoredHashesNeverVerify) {
  const PasswordHasher hasher(1000);
  for (const char* stored :
       {"", "pw", "pbkdf2-sha256$", "pbkdf2-sha256$0$AAAA$AAAA", "pbkdf2-sha256$1000$!!!!$AAAA",
        "md5$1$AAAA$AAAA", "pbkdf2-sha256$99999999999$AAAA$AAAA"}) {
    EXPECT_FALSE(hasher.verify("pw", stored)) << stored;
  }
}

TEST(PasswordHash, RejectsAbsurdIterationCounts) {
  EXPECT_THROW(PasswordHasher(0), std::invalid_argument);
}
