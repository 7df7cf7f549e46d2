#include "core/account_service.hpp"

#include <gtest/gtest.h>

#include "store/sqlite_account_repository.hpp"

using namespace webvox;
using core::AccountError;

class AccountServiceTest : public ::testing::Test {
 protected:
  store::SqliteDatabase db{":memory:"};
  store::SqliteAccountRepository repository{db};
  base::PasswordHasher hasher{10};
  core::AccountService accounts{repository, hasher};
};

TEST_F(AccountServiceTest, CreateThenVerify) {
  EXPECT_FALSE(accounts.exists("x5mkTKmxDTuGnjWyC__WfMg=="));
  EXPECT_EQ(accounts.create("x5mkTKmxDTuGnjWyC__WfMg==", "c0a8f3e1Z5b2dZ4a"), AccountError::None);
  EXPECT_TRUE(accounts.exists("x5mkTKmxDTuGnjWyC__WfMg=="));
  EXPECT_TRUE(accounts.verify_password("x5mkTKmxDTuGnjWyC__WfMg==", "c0a8f3e1Z5b2dZ4a"));
  EXPECT_FALSE(accounts.verify_password("x5mkTKmxDTuGnjWyC__WfMg==", "nope"));
}

TEST_F(AccountServiceTest, CreatingAnExistingAccountSetsItsPassword) {
  accounts.create("x----qhERQiKDM0REVVVmZg==", "first");
  EXPECT_EQ(accounts.create("x----qhERQiKDM0REVVVmZg==", "second"), AccountError::None);
  EXPECT_TRUE(accounts.verify_password("x----qhERQiKDM0REVVVmZg==", "second"));
  EXPECT_FALSE(accounts.verify_password("x----qhERQiKDM0REVVVmZg==", "first"));
}

TEST_F(AccountServiceTest, SetPasswordNeedsAnAccount) {
  EXPECT_EQ(accounts.set_password("xNobody", "pw"), AccountError::NotFound);
  accounts.create("xSomebody", "old");
  EXPECT_EQ(accounts.set_password("xSomebody", "2e6f0a9cZ8d41Z4f"), AccountError::None);
  EXPECT_TRUE(accounts.verify_password("xSomebody", "2e6f0a9cZ8d41Z4f"));
  EXPECT_FALSE(accounts.verify_password("xSomebody", "old"));
}

TEST_F(AccountServiceTest, RejectsUnusableNamesAndPasswords) {
  EXPECT_EQ(accounts.create("", "pw"), AccountError::InvalidName);
  EXPECT_EQ(accounts.create("has space", "pw"), AccountError::InvalidName);
  EXPECT_EQ(accounts.create(std::string(129, 'x'), "pw"), AccountError::InvalidName);
  EXPECT_EQ(accounts.create("xOk", ""), AccountError::InvalidPassword);
  EXPECT_EQ(accounts.create("xOk", std::string(257, 'p')), AccountError::InvalidPassword);
  EXPECT_FALSE(accounts.exists("xOk"));
}

TEST_F(AccountServiceTest, StoresOnlyAHash) {
  accounts.create("xHashed", "plain-secret");
  const auto stored = repository.find("xHashed");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->password_hash.find("plain-secret"), std::string::npos);
}

// Counts the PBKDF2 work and remembers which stored hashes were checked.
struct CountingHasher final : base::PasswordHasher {
  using PasswordHasher::PasswordHasher;
  bool verify(std::string_view password, std::string_view stored_hash) const override {
    ++verifications;
    checked_hashes.emplace_back(stored_hash);
    return PasswordHasher::verify(password, stored_hash);
  }
  mutable int verifications = 0;
  mutable std::vector<std::string> checked_hashes;
};

// Timing must not tell which accounts exist: an unknown (or malformed) name costs the same
// PBKDF2 as a wrong password for a real account, against a hash of the same cost.
TEST(AccountServiceWork, UnknownAccountsCostAPasswordCheckOfTheSameCost) {
  store::SqliteDatabase db{":memory:"};
  store::SqliteAccountRepository repository{db};
  CountingHasher hasher{321};
  core::AccountService accounts{repository, hasher};
  accounts.create("xKnown", "right");

  EXPECT_FALSE(accounts.verify_password("xKnown", "wrong"));
  EXPECT_EQ(hasher.verifications, 1);
  for (const auto* unknown : {"xUnknown", "has space", ""}) {
    EXPECT_FALSE(accounts.verify_password(unknown, "right")) << unknown;
  }
  ASSERT_EQ(hasher.verifications, 4);
  EXPECT_FALSE(accounts.verify_password(std::string(5000, 'x'), "right"));
  ASSERT_EQ(hasher.verifications, 5);
  for (const auto& hash : hasher.checked_hashes) {
    EXPECT_TRUE(hash.starts_with("pbkdf2-sha256$321$")) << hash;
  }
  // The stand-in is not the known account's hash, and no password opens it.
  EXPECT_NE(hasher.checked_hashes[1], hasher.checked_hashes[0]);
  EXPECT_EQ(hasher.checked_hashes[1], hasher.checked_hashes[2]);
  EXPECT_TRUE(accounts.verify_password("xKnown", "right"));
}
