#include "viewer/sl_data_batch.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace webvox::viewer {
namespace {

constexpr const char* kAlice = "a1a1a1a1-0000-4000-8000-000000000001";
constexpr const char* kBob = "b0b0b0b0-0000-4000-8000-00000000000b";

TEST(SlDataBatch, EachFieldAsTheViewerReadsIt) {
  SlDataBatch batch;
  batch.join(kAlice, true);
  EXPECT_EQ(batch.text(), R"({"a1a1a1a1-0000-4000-8000-000000000001":{"j":{"p":true}}})");

  SlDataBatch others;
  others.join(kAlice, false);
  others.leave(kBob);
  EXPECT_EQ(others.text(), R"({"a1a1a1a1-0000-4000-8000-000000000001":{"j":{}},)"
                           R"("b0b0b0b0-0000-4000-8000-00000000000b":{"l":true}})");

  SlDataBatch speech;
  speech.power(kAlice, 64, true);
  speech.moderator_muted(kBob, true);
  speech.version(kBob, "webvox 0.1.0");
  EXPECT_EQ(speech.text(),
            R"({"a1a1a1a1-0000-4000-8000-000000000001":{"p":64,"v":true},)"
            R"("b0b0b0b0-0000-4000-8000-00000000000b":{"V":"webvox 0.1.0","m":true}})");
}

TEST(SlDataBatch, FieldsOfOneAgentShareAnEntryAndTheLastValueWins) {
  SlDataBatch batch;
  batch.join(kAlice, true);
  batch.power(kAlice, 10, true);
  batch.power(kAlice, 500, false);
  EXPECT_EQ(batch.agents(), 1u);
  EXPECT_EQ(batch.text(),
            R"({"a1a1a1a1-0000-4000-8000-000000000001":{"j":{"p":true},"p":127,"v":false}})");
}

TEST(SlDataBatch, EmptyAndSplit) {
  SlDataBatch batch;
  EXPECT_TRUE(batch.empty());
  EXPECT_EQ(batch.text(), "{}");
  EXPECT_TRUE(batch.texts(10).empty());
  batch.join(kAlice, true);
  batch.join(kBob, true);
  batch.leave("c0c0c0c0-0000-4000-8000-00000000000c");
  const auto two = batch.texts(2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0], R"({"a1a1a1a1-0000-4000-8000-000000000001":{"j":{"p":true}},)"
                    R"("b0b0b0b0-0000-4000-8000-00000000000b":{"j":{"p":true}}})");
  EXPECT_EQ(two[1], R"({"c0c0c0c0-0000-4000-8000-00000000000c":{"l":true}})");
  EXPECT_EQ(batch.texts(0).size(), 3u);  // at least one agent per message
  EXPECT_EQ(batch.texts(64), std::vector<std::string>{batch.text()});
}

TEST(SlDataBatch, VersionTextIsEscaped) {
  SlDataBatch batch;
  batch.version(kAlice, "webvox \"1\"\n\xff");
  EXPECT_EQ(
      batch.text(),
      "{\"a1a1a1a1-0000-4000-8000-000000000001\":{\"V\":\"webvox \\\"1\\\"\\n\xEF\xBF\xBD\"}}");
}

TEST(PowerOfLevel, LevelTimes128WithinInt8) {
  EXPECT_EQ(power_of_level(0.0), 0);
  EXPECT_EQ(power_of_level(-0.5), 0);
  EXPECT_EQ(power_of_level(std::numeric_limits<double>::quiet_NaN()), 0);
  EXPECT_EQ(power_of_level(0.3), 38);  // the viewer's SPEAKING_AUDIO_LEVEL shown as 38/128
  EXPECT_EQ(power_of_level(0.5), 64);
  EXPECT_EQ(power_of_level(0.99), 127);
  EXPECT_EQ(power_of_level(1.0), 127);
  EXPECT_EQ(power_of_level(std::numeric_limits<double>::infinity()), 127);
}

}  // namespace
}  // namespace webvox::viewer
