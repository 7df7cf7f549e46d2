#include "base/json_text.hpp"

#include <gtest/gtest.h>

#include <string>

using webvox::base::parse_json_text;

TEST(JsonText, OneWholeValueParses) {
  const auto value = parse_json_text(R"({"a":[1,2],"b":"x\u0000y"})");
  ASSERT_TRUE(value);
  EXPECT_EQ((*value)["b"].get<std::string>(), std::string("x\0y", 3));  // an escaped NUL is fine
}

TEST(JsonText, ARawNulByteIsRefusedWhereverItIs) {
  EXPECT_FALSE(parse_json_text(std::string("{\"a\":1}\0{\"b\":2}", 15)));
  EXPECT_FALSE(parse_json_text(std::string("\0{\"a\":1}", 8)));
  EXPECT_FALSE(parse_json_text(std::string("{\"a\":\"x\0y\"}", 11)));
}

TEST(JsonText, GarbageAndTrailingTextAreRefused) {
  EXPECT_FALSE(parse_json_text(""));
  EXPECT_FALSE(parse_json_text("{\"a\":1} trailing"));
  EXPECT_FALSE(parse_json_text("{\"a\":"));
}
