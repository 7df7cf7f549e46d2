#include "world/link_code_store.hpp"

#include <gtest/gtest.h>

#include <string>

using webvox::world::InMemoryLinkCodeStore;

TEST(LinkCodeStore, RedeemsACodeOnceBeforeItExpires) {
  InMemoryLinkCodeStore store(10);
  store.put("code-a", "token-a", 100, 400);
  EXPECT_FALSE(store.take("code-b", 101).has_value());
  EXPECT_EQ(store.take("code-a", 101), "token-a");
  EXPECT_FALSE(store.take("code-a", 102).has_value());  // single use
  EXPECT_EQ(store.size(), 0u);
}

TEST(LinkCodeStore, ExpiredCodesAreRefusedAndForgotten) {
  InMemoryLinkCodeStore store(10);
  store.put("old", "token-old", 0, 300);
  store.put("late", "token-late", 10, 310);
  EXPECT_FALSE(store.take("old", 300).has_value());  // expiry is exclusive
  EXPECT_EQ(store.size(), 1u);
  store.put("new", "token-new", 320, 620);  // putting sweeps what expired meanwhile
  EXPECT_EQ(store.size(), 1u);
  EXPECT_FALSE(store.take("late", 320).has_value());
  EXPECT_EQ(store.take("new", 321), "token-new");
}

TEST(LinkCodeStore, IsBoundedPushingOutTheOldest) {
  InMemoryLinkCodeStore store(3);
  for (int i = 0; i < 5; ++i) {
    store.put("c" + std::to_string(i), "t" + std::to_string(i), i, 1000 + i);
  }
  EXPECT_EQ(store.size(), 3u);
  EXPECT_FALSE(store.take("c0", 10).has_value());
  EXPECT_FALSE(store.take("c1", 10).has_value());
  EXPECT_EQ(store.take("c2", 10), "t2");
  EXPECT_EQ(store.take("c4", 10), "t4");
}

TEST(LinkCodeStore, ManyRedeemedCodesDoNotGrowItsBookkeeping) {
  InMemoryLinkCodeStore store(4);
  store.put("keeper", "t", 0, 1e9);  // one long-lived code at the front
  for (int i = 0; i < 10000; ++i) {
    const auto code = "c" + std::to_string(i);
    store.put(code, "t", 1, 301);
    ASSERT_TRUE(store.take(code, 2).has_value());
  }
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(store.take("keeper", 3), "t");
}
