#include "vivox/number_parsing.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace webvox::vivox;

TEST(NumberParsing, AcceptsDotAndCommaDecimals) {
  EXPECT_DOUBLE_EQ(parse_decimal("2"), 2.0);
  EXPECT_DOUBLE_EQ(parse_decimal("2.5"), 2.5);
  EXPECT_DOUBLE_EQ(parse_decimal("2,5"), 2.5);
  EXPECT_DOUBLE_EQ(parse_decimal("1.25"), 1.25);
  EXPECT_DOUBLE_EQ(parse_decimal("-3"), -3.0);
}

TEST(NumberParsing, RejectsNonNumbers) {
  for (const char* text : {"", "abc", "2.5x", "1e5", "2,5,1", " 2", "nan", "inf"}) {
    EXPECT_TRUE(std::isnan(parse_decimal(text))) << text;
  }
}

TEST(NumberParsing, IdsArePositiveIntegers) {
  EXPECT_EQ(parse_id("1001"), 1001);
  EXPECT_FALSE(parse_id("0"));
  EXPECT_FALSE(parse_id("-5"));
  EXPECT_FALSE(parse_id("12a"));
  EXPECT_FALSE(parse_id(""));
  EXPECT_FALSE(parse_id("99999999999999999999999"));
}

TEST(NumberParsing, Counts) {
  EXPECT_EQ(parse_count("0"), 0u);
  EXPECT_EQ(parse_count("250"), 250u);
  EXPECT_FALSE(parse_count("-1"));
}
