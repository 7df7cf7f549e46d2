#include "app/http_routes.hpp"

#include <gtest/gtest.h>

#include "support/module_reader.hpp"
#include "support/vivox_stack.hpp"

using namespace webvox;

TEST(HttpRoutes, VivoxCallsAreXmlWithStatus200EvenOnError) {
  test_support::VivoxStack stack;
  for (const char* target : {"/api2/viv_get_acct.php", "/api2/viv_unknown.php", "/api2/anything",
                             "/api2/viv_chan_mod.php?auth_token=bogus"}) {
    const auto response = stack.get(target);
    EXPECT_EQ(response.status, 200u) << target;
    EXPECT_EQ(response.content_type, "text/xml; charset=utf-8");
    test_support::ModuleReader reader(response.body);
    EXPECT_TRUE(reader.parsed()) << target;
    EXPECT_EQ(reader.value("response.level0.status"), "ERR") << target;
  }
}

TEST(HttpRoutes, OtherPathsAre404) {
  test_support::VivoxStack stack;
  EXPECT_EQ(stack.get("/").status, 404u);
  EXPECT_EQ(stack.get("/viv_signin.php").status, 404u);
}

TEST(HttpRoutes, FormPostsAreRead) {
  test_support::VivoxStack stack;
  http::Request request;
  request.method = "POST";
  request.target = "/api2/viv_signin.php";
  request.content_type = "application/x-www-form-urlencoded";
  request.body = "userid=opensim-admin&pwd=s3cret-Pass";
  test_support::ModuleReader reader(stack.routes.handle(request).body);
  EXPECT_EQ(reader.value("response.level0.body.status"), "Ok");
}

// The routes tell the Vivox API where a call came from: the throttle counts per address.
TEST(HttpRoutes, SignInsAreThrottledByTheClientsAddress) {
  test_support::VivoxStack stack;
  const auto sign_in = [&](const std::string& peer, const std::string& password) {
    http::Request request;
    request.method = "GET";
    request.target = "/api2/viv_signin.php?userid=opensim-admin&pwd=" + password;
    request.peer_address = peer;
    return test_support::ModuleReader(stack.routes.handle(request).body)
        .value("response.level0.body.code");
  };
  for (int i = 0; i < 6; ++i) EXPECT_EQ(sign_in("203.0.113.9", "guess"), "212");
  EXPECT_EQ(sign_in("203.0.113.9", "s3cret-Pass"), "429");
  EXPECT_EQ(sign_in("::ffff:203.0.113.9", "s3cret-Pass"), "429");
  EXPECT_EQ(sign_in("198.51.100.7", "s3cret-Pass"), "200");
}
