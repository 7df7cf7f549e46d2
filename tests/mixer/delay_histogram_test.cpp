#include "mixer/delay_histogram.hpp"

#include <gtest/gtest.h>

namespace webvox::mixer {
namespace {

using std::chrono::milliseconds;

TEST(DelayHistogram, PercentilesToTheMillisecond) {
  DelayHistogram histogram;
  EXPECT_EQ(histogram.percentile(0.99), milliseconds(0));
  for (int i = 0; i < 98; ++i) histogram.add(milliseconds(3) + std::chrono::microseconds(500));
  histogram.add(milliseconds(25));
  histogram.add(milliseconds(5000));  // counted in the last bin
  EXPECT_EQ(histogram.count(), 100u);
  EXPECT_EQ(histogram.percentile(0.5), milliseconds(4));
  EXPECT_EQ(histogram.percentile(0.98), milliseconds(4));
  EXPECT_EQ(histogram.percentile(0.99), milliseconds(26));
  EXPECT_EQ(histogram.percentile(1.0), milliseconds(DelayHistogram::kBins));
  histogram.add(milliseconds(-3));  // clocks can disagree: counted as 0
  EXPECT_EQ(histogram.percentile(0.0), milliseconds(1));
  histogram.clear();
  EXPECT_EQ(histogram.count(), 0u);
}

TEST(DelayHistogram, AbsorbMovesSamplesLaterAndEmptiesTheSource) {
  DelayHistogram total;
  DelayHistogram room;
  for (int i = 0; i < 99; ++i) room.add(milliseconds(5));
  room.add(milliseconds(30));
  total.absorb(room, std::chrono::microseconds(2600));  // 5.5 + 2.6 ms: bin 8
  EXPECT_EQ(room.count(), 0u);
  EXPECT_EQ(total.count(), 100u);
  EXPECT_EQ(total.percentile(0.5), milliseconds(9));   // the bin's upper edge
  EXPECT_EQ(total.percentile(1.0), milliseconds(34));  // 30.5 + 2.6 ms: bin 33, edge 34
}

}  // namespace
}  // namespace webvox::mixer
