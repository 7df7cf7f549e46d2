#include "vivox/vivox_request.hpp"

#include <gtest/gtest.h>

using webvox::vivox::parse_vivox_request;

TEST(VivoxRequest, FindsTheScriptUnderApi2) {
  const auto request = parse_vivox_request("/api2/viv_signin.php?userid=a&pwd=b", "", false);
  ASSERT_TRUE(request);
  EXPECT_EQ(request->script, "viv_signin.php");
  EXPECT_EQ(request->parameters.get("userid"), "a");
}

TEST(VivoxRequest, ToleratesPrefixesAndRepeatedSlashes) {
  EXPECT_TRUE(parse_vivox_request("//api2//viv_get_acct.php", "", false));
  EXPECT_TRUE(parse_vivox_request("/voice/api2/viv_get_acct.php?x=1", "", false));
  EXPECT_EQ(parse_vivox_request("/api2/viv_chan_search.php?&cond_chanparent=5", "", false)
                ->parameters.get("cond_chanparent"),
            "5");
}

TEST(VivoxRequest, RejectsOtherPaths) {
  EXPECT_FALSE(parse_vivox_request("/", "", false));
  EXPECT_FALSE(parse_vivox_request("/viv_signin.php", "", false));
  EXPECT_FALSE(parse_vivox_request("/api3/viv_signin.php", "", false));
  EXPECT_FALSE(parse_vivox_request("/api2", "", false));
}

TEST(VivoxRequest, QueryBeforeFormBody) {
  const auto request =
      parse_vivox_request("/api2/viv_signin.php?userid=q", "userid=f&pwd=a+b", true);
  ASSERT_TRUE(request);
  EXPECT_EQ(request->parameters.get("userid"), "q");
  EXPECT_EQ(request->parameters.get("pwd"), "a b");
}

TEST(VivoxRequest, IgnoresBodyUnlessItIsAForm) {
  const auto request = parse_vivox_request("/api2/viv_signin.php", "userid=f", false);
  ASSERT_TRUE(request);
  EXPECT_FALSE(request->parameters.get("userid"));
}

TEST(VivoxRequest, NoParametersFromAFragment) {
  const auto request = parse_vivox_request("/api2/viv_signin.php#x?userid=a&pwd=b", "", false);
  ASSERT_TRUE(request);
  EXPECT_FALSE(request->parameters.get("userid"));
}
