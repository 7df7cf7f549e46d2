#include "world/link_code_store.hpp"

#include <gtest/gtest.h>

#include <string>

using webvox::world::InMemoryLinkCodeStore;

namespace {

// `seconds` after an arbitrary start of the steady clock.
webvox::base::SteadyTime at(double seconds) {
  return webvox::base::SteadyTime{} + webvox::base::to_steady(webvox::base::Seconds(seconds));
}

}  // namespace

TEST(LinkCodeStore, RedeemsACodeOnceBeforeItExpires) {
  InMemoryLinkCodeStore store(10);
  store.put("code-a", "token-a", at(100), at(400));
  EXPECT_FALSE(store.take("code-b", at(101)).has_value());
  EXPECT_EQ(store.take("code-a", at(101)), "token-a");
  EXPECT_FALSE(store.take("code-a", at(102)).has_value());  // single use
  EXPECT_EQ(store.size(), 0u);
}

TEST(LinkCodeStore, ExpiredCodesAreRefusedAndForgotten) {
  InMemoryLinkCodeStore store(10);
  store.put("old", "token-old", at(0), at(300));
  store.put("late", "token-late", at(10), at(310));
  EXPECT_FALSE(store.take("old", at(300)).has_value());  // expiry is exclusive
  EXPECT_EQ(store.size(), 1u);
  store.put("new", "token-new", at(320), at(620));  // putting sweeps what expired meanwhile
  EXPECT_EQ(store.size(), 1u);
  EXPECT_FALSE(store.take("late", at(320)).has_value());
  EXPECT_EQ(store.take("new", at(321)), "token-new");
}

TEST(LinkCodeStore, IsBoundedPushingOutTheOldest) {
  InMemoryLinkCodeStore store(3);
  for (int i = 0; i < 5; ++i) {
    store.put("c" + std::to_string(i), "t" + std::to_string(i), at(i), at(1000 + i));
  }
  EXPECT_EQ(store.size(), 3u);
  EXPECT_FALSE(store.take("c0", at(10)).has_value());
  EXPECT_FALSE(store.take("c1", at(10)).has_value());
  EXPECT_EQ(store.take("c2", at(10)), "t2");
  EXPECT_EQ(store.take("c4", at(10)), "t4");
}

TEST(LinkCodeStore, ManyRedeemedCodesDoNotGrowItsBookkeeping) {
  InMemoryLinkCodeStore store(4);
  store.put("keeper", "t", at(0), at(1e9));  // one long-lived code at the front
  for (int i = 0; i < 10000; ++i) {
    const auto code = "c" + std::to_string(i);
    store.put(code, "t", at(1), at(301));
    ASSERT_TRUE(store.take(code, at(2)).has_value());
  }
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(store.take("keeper", at(3)), "t");
}
