// What a response says, read back for metrics: "ok" or the error code's name.
#include "vivox/vivox_response.hpp"

#include <gtest/gtest.h>

using namespace webvox::vivox;

TEST(VivoxResponseResult, OkResponsesAreOk) {
  EXPECT_EQ(response_result(ok_response({{"code", "200"}})), "ok");
  EXPECT_EQ(response_result(sign_in_response("token")), "ok");
}

TEST(VivoxResponseResult, ErrorsAreNamedByTheirCode) {
  EXPECT_EQ(response_result(error_response(ErrorCode::NotAuthorized, "bad credentials", "Failed")),
            "not_authorized");
  EXPECT_EQ(response_result(error_response(ErrorCode::MissingParameter, "Missing: x")),
            "missing_parameter");
  EXPECT_EQ(response_result(throttled_sign_in_response(std::chrono::seconds(30))),
            "too_many_attempts");
  // A message that looks like a code does not change the answer: the code comes first.
  EXPECT_EQ(response_result(error_response(ErrorCode::NotFound, "<code>500</code>")), "not_found");
}

TEST(VivoxResponseResult, AnythingElseIsAnError) {
  EXPECT_EQ(response_result(""), "error");
  EXPECT_EQ(response_result("<code>77</code>"), "error");
  EXPECT_EQ(response_result("<code>x</code>"), "error");
}
