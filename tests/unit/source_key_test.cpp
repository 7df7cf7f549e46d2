#include "app/source_key.hpp"

#include <gtest/gtest.h>

using webvox::app::source_key;

TEST(SourceKey, Ipv4IsTheAddress) {
  EXPECT_EQ(source_key("203.0.113.9"), "203.0.113.9");
  EXPECT_EQ(source_key("::ffff:203.0.113.9"), "203.0.113.9");
}

// One IPv6 host usually has a whole /64: its addresses are one source.
TEST(SourceKey, Ipv6IsItsSlash64) {
  EXPECT_EQ(source_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(source_key("2001:db8:1:2::1"), source_key("2001:db8:1:2:ffff::9"));
  EXPECT_NE(source_key("2001:db8:1:2::1"), source_key("2001:db8:1:3::1"));
  EXPECT_EQ(source_key("::1"), "::/64");
}

TEST(SourceKey, TextThatIsNoAddressStaysAsItIs) {
  EXPECT_EQ(source_key(""), "");
  EXPECT_EQ(source_key("not an address"), "not an address");
}
