#include "base/tick_grid.hpp"

#include <gtest/gtest.h>

namespace webvox::base {
namespace {

using namespace std::chrono_literals;
const TickGrid::Clock::time_point kStart{1000s};

TEST(TickGrid, DeadlinesStayOnTheGridWhateverTheWorkTook) {
  TickGrid grid(20ms, 200ms, kStart);
  EXPECT_EQ(grid.next(kStart), kStart + 20ms);
  // Each tick woke 0.3 ms late and worked 5 ms: the deadlines do not move.
  EXPECT_EQ(grid.next(kStart + 25300us), kStart + 40ms);
  EXPECT_EQ(grid.next(kStart + 45300us), kStart + 60ms);
  for (int k = 4; k <= 1000; ++k) grid.next(kStart + k * 20ms - 14ms);
  EXPECT_EQ(grid.next(kStart + 20000ms + 6ms), kStart + 20020ms);
}

TEST(TickGrid, ALateTickIsFollowedAtOnceByTheOnesItHeldUp) {
  TickGrid grid(20ms, 200ms, kStart);
  grid.next(kStart);                                   // due at +20 ms; it runs at +75 ms
  EXPECT_EQ(grid.next(kStart + 75ms), kStart + 40ms);  // already due: runs at once
  EXPECT_EQ(grid.next(kStart + 76ms), kStart + 60ms);
  EXPECT_EQ(grid.next(kStart + 77ms), kStart + 80ms);  // caught up
}

TEST(TickGrid, AfterALongStallTheGridStartsAgainFromNow) {
  TickGrid grid(20ms, 200ms, kStart);
  grid.next(kStart);  // due at +20 ms; the machine stalls for a second
  EXPECT_EQ(grid.next(kStart + 1020ms), kStart + 1020ms);
  EXPECT_EQ(grid.next(kStart + 1021ms), kStart + 1040ms);
}

}  // namespace
}  // namespace webvox::base
