// POST /admin/join-tokens: HTTP Basic admin credentials through the sign-in throttle.
#include "app/join_token_api.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/secure_random.hpp"
#include "support/vivox_stack.hpp"

using namespace webvox;

namespace {

class JoinTokenApiTest : public ::testing::Test {
 protected:
  http::Response post(const std::string& peer, const std::string& user,
                      const std::string& password) {
    http::Request request;
    request.method = "POST";
    request.target = "/admin/join-tokens";
    request.peer_address = peer;
    const auto credentials = user + ":" + password;
    request.authorization =
        "Basic " + base::base64_encode(reinterpret_cast<const unsigned char*>(credentials.data()),
                                       credentials.size());
    request.body = R"({"account":"xA","channel":"sip:confctl-1001@voice.example.org"})";
    return *api.serve(request);
  }
  std::string header(const http::Response& response, const std::string& name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) return value;
    }
    return "";
  }

  test_support::VivoxStack stack;
  core::JoinTokenSigner signer{std::vector<unsigned char>(32, 7)};
  app::JoinTokenIssuer issuer{signer, stack.channels,
                              std::string(test_support::VivoxStack::kRealm)};
  core::MonotonicTime now = core::MonotonicTime{} + std::chrono::hours(1);
  app::JoinTokenApi api{stack.admin, issuer, [] { return std::int64_t{1000}; },
                        [this] { return now; }};
};

TEST_F(JoinTokenApiTest, GuessingGets429WithRetryAfterWhileOthersGetTokens) {
  core::CreateChannelRequest channel;
  channel.name = "c";
  stack.channels.create(channel);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(post("203.0.113.9", "opensim-admin", "guess").status, 401u);
  const auto throttled = post("203.0.113.9", "opensim-admin", "s3cret-Pass");
  EXPECT_EQ(throttled.status, 429u);
  EXPECT_EQ(header(throttled, "Retry-After"), "1");
  EXPECT_EQ(nlohmann::json::parse(throttled.body)["error"],
            "too many failed sign-ins; try again in 1 s");
  EXPECT_EQ(post("198.51.100.7", "opensim-admin", "s3cret-Pass").status, 200u);
  now += std::chrono::seconds(1);
  EXPECT_EQ(post("203.0.113.9", "opensim-admin", "s3cret-Pass").status, 200u);
}

TEST_F(JoinTokenApiTest, MissingCredentialsCountAsAFailure) {
  http::Request request;
  request.method = "POST";
  request.target = "/admin/join-tokens";
  request.peer_address = "203.0.113.9";
  for (int i = 0; i < 6; ++i) EXPECT_EQ(api.serve(request)->status, 401u);
  EXPECT_EQ(api.serve(request)->status, 429u);
}

}  // namespace
