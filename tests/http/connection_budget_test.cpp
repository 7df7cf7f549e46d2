#include "http/connection_budget.hpp"
#include "http/live_connections.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

using namespace webvox::http;
using boost::asio::ip::make_address;

TEST(ConnectionBudget, TotalAndPerSourceLimitsAndPlacesComeBack) {
  ConnectionBudget budget({3, 2});
  const auto a = source_key(make_address("192.0.2.1"));
  const auto b = source_key(make_address("192.0.2.2"));
  EXPECT_FALSE(budget.try_admit(a));
  EXPECT_FALSE(budget.try_admit(a));
  EXPECT_EQ(budget.try_admit(a), ConnectionBudget::Refusal::kSource);
  EXPECT_FALSE(budget.try_admit(b));
  EXPECT_EQ(budget.try_admit(b), ConnectionBudget::Refusal::kTotal);
  EXPECT_EQ(budget.open(), 3u);
  budget.release(a);
  EXPECT_EQ(budget.open_from(a), 1u);
  EXPECT_FALSE(budget.try_admit(b));
  EXPECT_EQ(budget.open_from(b), 2u);
}

TEST(ConnectionBudget, ZeroPerSourceMeansOnlyTheTotal) {
  ConnectionBudget budget({5, 0});
  const auto a = source_key(make_address("127.0.0.1"));
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(budget.try_admit(a));
  EXPECT_EQ(budget.try_admit(a), ConnectionBudget::Refusal::kTotal);
}

TEST(ConnectionBudget, SourcesAreIPv4AddressesAndIPv6Slash64s) {
  EXPECT_EQ(source_key(make_address("2001:db8:1:2::1")),
            source_key(make_address("2001:db8:1:2:ffff::9")));
  EXPECT_NE(source_key(make_address("2001:db8:1:2::1")),
            source_key(make_address("2001:db8:1:3::1")));
  EXPECT_EQ(source_key(make_address("::ffff:192.0.2.7")), source_key(make_address("192.0.2.7")));
  EXPECT_NE(source_key(make_address("192.0.2.7")), source_key(make_address("192.0.2.8")));
  EXPECT_NE(source_key(make_address("::")), source_key(make_address("0.0.0.0")));
}

TEST(ConnectionBudget, DefaultTotalIsHalfTheFileLimitWithinBounds) {
  EXPECT_EQ(default_max_connections(1024), 512u);
  EXPECT_EQ(default_max_connections(65536), 20000u);
  EXPECT_EQ(default_max_connections(10), 16u);
}

TEST(LiveConnections, AConnectionHoldsItsPlaceUntilItsLastOwnerGoes) {
  auto live = std::make_shared<LiveConnections>(ConnectionBudget::Limits{2, 2});
  auto first = live->admit(make_address("127.0.0.2")).value();
  auto second = live->admit(make_address("127.0.0.3")).value();
  EXPECT_EQ(live->admit(make_address("127.0.0.4")).error(), ConnectionBudget::Refusal::kTotal);
  EXPECT_EQ(live->size(), 2u);
  bool empty = false;
  live->when_empty([&] { empty = true; });
  first.reset();
  EXPECT_FALSE(empty);
  EXPECT_EQ(live->budget().open(), 1u);
  second.reset();
  EXPECT_TRUE(empty);
  EXPECT_EQ(live->budget().open(), 0u);
}

TEST(LiveConnections, StopReachesTheCurrentHookAndLateHooksAndLateConnections) {
  auto live = std::make_shared<LiveConnections>(ConnectionBudget::Limits{10, 10});
  auto connection = live->admit(make_address("127.0.0.2")).value();
  std::vector<StopMode> first, second, late;
  connection->on_stop([&](StopMode mode) { first.push_back(mode); });
  live->stop_all(StopMode::kGraceful);
  EXPECT_EQ(first, std::vector<StopMode>{StopMode::kGraceful});
  // A stage that takes over after the stop was asked for is told at once.
  connection->on_stop([&](StopMode mode) { second.push_back(mode); });
  EXPECT_EQ(second, std::vector<StopMode>{StopMode::kGraceful});
  live->stop_all(StopMode::kNow);
  EXPECT_EQ(second, (std::vector<StopMode>{StopMode::kGraceful, StopMode::kNow}));
  // A connection accepted while stopping is stopped as soon as it has a hook.
  auto newcomer = live->admit(make_address("127.0.0.3")).value();
  newcomer->on_stop([&](StopMode mode) { late.push_back(mode); });
  EXPECT_EQ(late, std::vector<StopMode>{StopMode::kNow});
}
