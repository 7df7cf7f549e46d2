#include "base/query_string.hpp"

#include <gtest/gtest.h>

using webvox::base::parse_form;
using webvox::base::parse_query;
using webvox::base::percent_decode;

TEST(QueryString, SplitsPairsAtTheFirstEqualsSign) {
  const auto p = parse_query("user_name=x5mkTKmxDTuGnjWyC__WfMg==&auth_token=abc");
  EXPECT_EQ(p.get("user_name"), "x5mkTKmxDTuGnjWyC__WfMg==");
  EXPECT_EQ(p.get("auth_token"), "abc");
}

TEST(QueryString, KeepsPlusLiteral) { EXPECT_EQ(parse_query("pwd=a+b").get("pwd"), "a+b"); }

TEST(QueryString, DecodesPercentEscapesAndRawUtf8) {
  const auto p = parse_query("chan_desc=Test%20Region:Caf%C3%A9&raw=Zoë");
  EXPECT_EQ(p.get("chan_desc"), "Test Region:Café");
  EXPECT_EQ(p.get("raw"), "Zoë");
}

TEST(QueryString, SkipsEmptyPairsAndPairsWithoutValue) {
  const auto p = parse_query("&cond_chanparent=1001&&flag&=x&auth_token=T");
  EXPECT_EQ(p.get("cond_chanparent"), "1001");
  EXPECT_EQ(p.get("auth_token"), "T");
  EXPECT_FALSE(p.get("flag"));
  EXPECT_EQ(p.size(), 2u);
}

TEST(QueryString, EmptyValueIsPresentButEmpty) {
  const auto p = parse_query("auth_token=&user_name=x");
  ASSERT_TRUE(p.get("auth_token"));
  EXPECT_EQ(*p.get("auth_token"), "");
}

TEST(QueryString, ParcelNameWithAmpersandYieldsJunkKeyThatIsIgnored) {
  // A parcel "Bob & Alice #2": the module inserts it raw, .NET escapes the spaces and the
  // '#' starts a fragment, so everything after it never arrives.
  const auto p = parse_query(
      "mode=create&chan_name=n&auth_token=T&chan_desc=Test%20Region:Bob%20&%20Alice%20#2&chan_type="
      "channel");
  EXPECT_EQ(p.get("chan_desc"), "Test Region:Bob ");
  EXPECT_FALSE(p.get("chan_type"));
  EXPECT_EQ(p.get("mode"), "create");
}

TEST(QueryString, FirstOccurrenceWins) { EXPECT_EQ(parse_query("a=1&a=2").get("a"), "1"); }

TEST(QueryString, MalformedEscapesStayAsTheyAre) {
  EXPECT_EQ(percent_decode("100%", false), "100%");
  EXPECT_EQ(percent_decode("%zz%4", false), "%zz%4");
  EXPECT_EQ(percent_decode("%41%6a", false), "Aj");
}

TEST(FormBody, PlusIsSpace) {
  const auto p = parse_form("userid=some+user&pwd=p%2Bw");
  EXPECT_EQ(p.get("userid"), "some user");
  EXPECT_EQ(p.get("pwd"), "p+w");
}

TEST(Parameters, MergeKeepsExistingValues) {
  auto query = parse_query("a=query");
  query.merge(parse_form("a=form&b=form"));
  EXPECT_EQ(query.get("a"), "query");
  EXPECT_EQ(query.get("b"), "form");
}
