// The credential throttle's rules (README "Password guessing"), on an injected clock.
#include "core/credential_throttle.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace webvox;
using core::CredentialThrottle;
using Decision = CredentialThrottle::Decision;
using std::chrono::seconds;

namespace {

class CredentialThrottleTest : public ::testing::Test {
 protected:
  core::MonotonicTime at(double s) const {
    return core::MonotonicTime{} + std::chrono::hours(1) +
           std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(s));
  }
  // One attempt that fails if allowed; the admission it got.
  CredentialThrottle::Admission fail(const std::string& source, const std::string& account,
                                     double now) {
    const auto admission = throttle.admit(source, account, at(now));
    if (admission.allowed()) throttle.failed(source, account, at(now));
    return admission;
  }
  CredentialThrottle::Admission succeed(const std::string& source, const std::string& account,
                                        double now) {
    const auto admission = throttle.admit(source, account, at(now));
    if (admission.allowed()) throttle.succeeded(source, account, at(now));
    return admission;
  }

  CredentialThrottle throttle;
};

TEST_F(CredentialThrottleTest, ASourceHasFiveFreeFailuresThenBlocksDoublingUpToAMinute) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(fail("a", "acct" + std::to_string(i), 0).allowed());
  // The 6th failure blocks for 1 s, the 7th for 2 s, ... the 12th and later for 60 s.
  double now = 0;
  const double expected[] = {1, 2, 4, 8, 16, 32, 60, 60, 60};
  for (const double block : expected) {
    ASSERT_TRUE(fail("a", "other" + std::to_string(now), now).allowed()) << now;
    const auto refused = throttle.admit("a", "x", at(now + block - 0.001));
    EXPECT_EQ(refused.decision, Decision::SourceBlocked) << block;
    EXPECT_EQ(refused.retry_after, seconds(1));
    EXPECT_EQ(throttle.admit("a", "x", at(now)).retry_after, seconds(static_cast<int>(block)));
    now += block;
  }
}

TEST_F(CredentialThrottleTest, ABlockedSourceDoesNotHoldBackOtherSources) {
  for (int i = 0; i < 6; ++i) fail("attacker", "admin", 0);
  EXPECT_EQ(throttle.admit("attacker", "admin", at(0.5)).decision, Decision::SourceBlocked);
  EXPECT_TRUE(succeed("simulator", "admin", 0.5).allowed());
}

TEST_F(CredentialThrottleTest, ASuccessClearsTheSource) {
  for (int i = 0; i < 5; ++i) fail("a", "admin", 0);
  EXPECT_TRUE(succeed("a", "admin", 0).allowed());
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(fail("a", "admin", 1).allowed()) << i;
}

TEST_F(CredentialThrottleTest, FailuresAreForgottenFifteenMinutesAfterTheLast) {
  for (int i = 0; i < 5; ++i) fail("a", "admin", 0);
  fail("a", "admin", 10);  // the 6th: blocked 1 s
  EXPECT_EQ(throttle.admit("a", "admin", at(10.5)).decision, Decision::SourceBlocked);
  fail("a", "admin", 11);  // the 7th: 2 s
  // 15 minutes after the last failure the count starts again: five free ones.
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(fail("a", "admin", 11 + 900 + i * 0.01).allowed());
  EXPECT_TRUE(fail("a", "admin", 912).allowed());  // 6th of the new count, blocks 1 s
  EXPECT_EQ(throttle.admit("a", "admin", at(912.5)).decision, Decision::SourceBlocked);
}

// Many sources against one account: 10 free failures, then the account blocks the sources that
// failed, for 1 s doubling up to 60 s after each failure, never longer.
TEST_F(CredentialThrottleTest, AnAccountBlocksAfterTenFailuresAtMostAMinuteAfterTheLast) {
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(fail("s" + std::to_string(i), "admin", 0).allowed());
  EXPECT_TRUE(fail("s10", "admin", 0).allowed());  // the 11th: the account blocks 1 s
  const auto refused = throttle.admit("s3", "admin", at(0.5));
  EXPECT_EQ(refused.decision, Decision::AccountBlocked);
  EXPECT_EQ(refused.retry_after, seconds(1));
  // Other accounts are not affected.
  EXPECT_TRUE(throttle.admit("s3", "someone-else", at(0.5)).allowed());
  throttle.abandoned("s3");
  // Keep guessing from fresh... failed sources until the block reaches its cap.
  double now = 1;
  for (int i = 11; i < 30; ++i) {
    const auto admission = fail("s" + std::to_string(i % 10), "admin", now);
    ASSERT_TRUE(admission.allowed()) << i;
    now += std::min(60.0, std::pow(2.0, i - 10));
  }
  // The guessing stops at its last failure (now - 60): 60 s later the account is free.
  EXPECT_EQ(throttle.admit("s1", "admin", at(now - 0.001)).decision, Decision::AccountBlocked);
  EXPECT_TRUE(succeed("s1", "admin", now).allowed());
}

// A simulator with the right password, from an address that never failed, waits on an
// account under attack at most 60 s, even while the guessing goes on.
TEST_F(CredentialThrottleTest, ASourceThatNeverFailedWaitsOnABlockedAccountAtMostAMinute) {
  // Guess from ten addresses, each time the account's block ends, until it is 60 s long.
  double now = 0;
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(fail("attacker" + std::to_string(i % 10), "admin", now).allowed()) << i;
    if (i >= 10) now += std::min(60.0, std::pow(2.0, i - 10));
  }
  const double last = now - 60;  // the last failure: the account is blocked until last + 60
  // The simulator comes at last + 30: held back until the block ends.
  const auto first = throttle.admit("simulator", "admin", at(last + 30));
  EXPECT_EQ(first.decision, Decision::AccountBlocked);
  EXPECT_EQ(first.retry_after, seconds(30));
  // The guessing goes on: at last + 60 the block ends and a guess renews it for 60 s.
  ASSERT_TRUE(fail("attacker3", "admin", last + 60).allowed());
  const auto second = throttle.admit("simulator", "admin", at(last + 70));
  EXPECT_EQ(second.decision, Decision::AccountBlocked);
  EXPECT_EQ(second.retry_after, seconds(20));  // 60 s after its first refusal, not 50 s
  EXPECT_EQ(throttle.admit("attacker4", "admin", at(last + 90)).decision, Decision::AccountBlocked);
  // 60 s after its first refusal the simulator's attempt is checked, while the account is
  // still blocked for the guessers.
  EXPECT_TRUE(succeed("simulator", "admin", last + 90).allowed());
  EXPECT_EQ(throttle.admit("attacker5", "admin", at(last + 90)).decision, Decision::AccountBlocked);
}

TEST_F(CredentialThrottleTest, ASourceThatFailedWaitsForTheAccountBlockToEnd) {
  fail("typo", "admin", 0);
  for (int i = 0; i < 10; ++i) fail("s" + std::to_string(i), "admin", 0);  // 11: blocked 1 s
  EXPECT_TRUE(fail("typo", "admin", 1).allowed());  // the 12th failure: blocked 2 s
  EXPECT_EQ(throttle.admit("typo", "admin", at(2.9)).decision, Decision::AccountBlocked);
  EXPECT_TRUE(succeed("typo", "admin", 3).allowed());
}

TEST_F(CredentialThrottleTest, AtMostFourChecksOfOneSourceAreInFlight) {
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(throttle.admit("a", "admin", at(0)).allowed());
  const auto busy = throttle.admit("a", "admin", at(0));
  EXPECT_EQ(busy.decision, Decision::SourceBusy);
  EXPECT_EQ(busy.retry_after, seconds(1));
  EXPECT_TRUE(throttle.admit("b", "admin", at(0)).allowed());
  throttle.abandoned("a");
  EXPECT_TRUE(throttle.admit("a", "admin", at(0)).allowed());
  // The five in flight fail: the source is blocked as if they had run one after the other.
  for (int i = 0; i < 4; ++i) throttle.failed("a", "admin", at(0));
  throttle.failed("a", "admin", at(0));  // never admitted: the count must not go wrong
  throttle.failed("b", "admin", at(0));
  EXPECT_TRUE(throttle.admit("a", "admin", at(0)).allowed());  // 5 failures: still free
  throttle.failed("a", "admin", at(0));
  EXPECT_EQ(throttle.admit("a", "admin", at(0)).decision, Decision::SourceBlocked);
}

TEST_F(CredentialThrottleTest, MemoryIsBoundedAndLongKeysAreCut) {
  CredentialThrottle small({.max_sources = 4, .max_accounts = 4});
  for (int i = 0; i < 100; ++i) {
    const auto source = "s" + std::to_string(i);
    const auto account = std::string(100000, 'a') + std::to_string(i);
    if (small.admit(source, account, at(0)).allowed()) small.failed(source, account, at(0));
  }
  // Every one of the 100 long account names is one key once cut (256 bytes): 100 failures,
  // so that account is blocked; and the table still holds only 4 sources.
  EXPECT_EQ(small.admit("s99", std::string(100000, 'a') + "x", at(0)).decision,
            Decision::AccountBlocked);
}

}  // namespace
