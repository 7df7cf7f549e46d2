#include "core/channel_uri.hpp"

#include <gtest/gtest.h>

using namespace webvox::core;

TEST(ChannelUri, FormatsLikeVivox) {
  EXPECT_EQ(channel_uri(1001, "voice.example.org"), "sip:confctl-1001@voice.example.org");
}

TEST(ChannelUri, ParsesOnlyOurRealm) {
  EXPECT_EQ(parse_channel_uri("sip:confctl-1001@voice.example.org", "voice.example.org"), 1001);
  EXPECT_FALSE(parse_channel_uri("sip:confctl-1001@other.org", "voice.example.org"));
  EXPECT_FALSE(parse_channel_uri("sip:confctl-x@voice.example.org", "voice.example.org"));
  EXPECT_FALSE(parse_channel_uri("sip:confctl-0@voice.example.org", "voice.example.org"));
  EXPECT_FALSE(parse_channel_uri("sip:conf-1001@voice.example.org", "voice.example.org"));
  EXPECT_FALSE(parse_channel_uri("", "voice.example.org"));
}
