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
