// The channel admin API over a real hub (docs/admin.md): the gate, errors, and what it does.
#include "app/channel_admin_api.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/secure_random.hpp"
#include "signalling/signalling_session.hpp"
#include "support/vivox_stack.hpp"

using namespace webvox;
using nlohmann::json;

namespace {

struct Link final : signalling::PeerLink {
  std::vector<json> sent;
  void send(std::string text) override { sent.push_back(json::parse(text)); }
  void close(std::uint16_t, std::string) override {}
};

struct NoChecks final : signalling::PasswordChecks {
  std::optional<signalling::PasswordVerdict> check(signalling::PasswordAttempt, Done) override {
    return signalling::PasswordVerdict{signalling::PasswordVerdict::Outcome::Accepted, {}};
  }
  void token_refused(std::string_view, std::string_view) override {}
};

class ChannelAdminApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    core::CreateChannelRequest channel;
    channel.name = "c";
    stack.channels.create(channel);  // 1001
    stack.accounts.create("xA", "pa");
  }

  http::Response call(const std::string& method, const std::string& target,
                      const std::string& body = "", const std::string& password = "s3cret-Pass") {
    http::Request request;
    request.method = method;
    request.target = target;
    request.peer_address = "192.0.2.1";
    request.body = body;
    const auto credentials = std::string(test_support::VivoxStack::kAdminUser) + ":" + password;
    request.authorization =
        "Basic " + base::base64_encode(reinterpret_cast<const unsigned char*>(credentials.data()),
                                       credentials.size());
    return *api.serve(request);
  }
  std::shared_ptr<Link> join(const std::string& account) {
    auto link = std::make_shared<Link>();
    auto session = hub.connect(link);
    sessions.push_back(session);
    session->on_message(json{{"type", "hello"}, {"account", account}, {"password", "p"}}.dump(),
                        {base::SteadyTime{}, 1000});
    session->on_message(json{{"type", "join"}, {"channel", kUri}}.dump(),
                        {base::SteadyTime{}, 1000});
    EXPECT_EQ(link->sent.back()["type"], "joined");
    return link;
  }

  static constexpr const char* kUri = "sip:confctl-1001@voice.example.org";
  static constexpr const char* kPath = "/admin/channels/sip%3Aconfctl-1001%40voice.example.org";
  test_support::VivoxStack stack;
  core::JoinTokenSigner signer{std::vector<unsigned char>(32, 7)};
  NoChecks checks;
  signalling::SignallingHub hub{{stack.accounts,
                                 stack.channels,
                                 signer,
                                 {},
                                 std::string(test_support::VivoxStack::kRealm),
                                 8,
                                 nullptr,
                                 {},
                                 checks}};
  app::AdminGate gate{stack.admin, [] { return core::MonotonicTime{} + std::chrono::hours(1); }};
  app::ChannelAdminApi api{
      gate, hub, stack.channels, std::string(test_support::VivoxStack::kRealm), {}};
  std::vector<std::shared_ptr<signalling::SignallingSession>> sessions;
};

}  // namespace

TEST_F(ChannelAdminApiTest, EverythingIsBehindTheGate) {
  EXPECT_EQ(call("GET", "/admin/channels", "", "wrong").status, 401u);
  EXPECT_EQ(call("POST", std::string(kPath) + "/close", "", "wrong").status, 401u);
  // A malformed request without credentials learns nothing but 401.
  EXPECT_EQ(call("POST", std::string(kPath) + "/kick", "{", "wrong").status, 401u);
}

TEST_F(ChannelAdminApiTest, ListShowKickMuteClose) {
  EXPECT_EQ(json::parse(call("GET", "/admin/channels").body)["channels"].size(), 0u);
  const auto idle = json::parse(call("GET", kPath).body);
  EXPECT_EQ(idle["mode"], "idle");
  auto a = join("xA");
  const auto listed = json::parse(call("GET", "/admin/channels").body);
  ASSERT_EQ(listed["channels"].size(), 1u);
  const auto& channel = listed["channels"][0];
  EXPECT_EQ(channel["uri"], kUri);
  EXPECT_EQ(channel["mode"], "mesh");
  EXPECT_EQ(channel["members"][0]["account"], "xA");
  EXPECT_EQ(channel["members"][0]["kind"], "browser");
  EXPECT_EQ(channel["members"][0]["operator_muted"], false);

  const auto muted = call("POST", std::string(kPath) + "/mute", R"({"account":"xA"})");
  EXPECT_EQ(muted.status, 200u);
  EXPECT_EQ(a->sent.back()["operatorMuted"], true);
  EXPECT_EQ(json::parse(call("GET", kPath).body)["members"][0]["operator_muted"], true);

  EXPECT_EQ(call("POST", std::string(kPath) + "/kick", R"({"account":"xB"})").status, 404u);
  const auto kicked = call("POST", std::string(kPath) + "/kick", R"({"account":"xA"})");
  EXPECT_EQ(kicked.status, 200u);
  EXPECT_EQ(json::parse(kicked.body)["rejoin_after"], 60);
  EXPECT_EQ(a->sent.back()["type"], "removed");
  EXPECT_EQ(json::parse(call("GET", "/admin/channels").body)["channels"].size(), 0u);
  EXPECT_EQ(json::parse(call("POST", std::string(kPath) + "/close").body)["removed"], 0);
}

TEST_F(ChannelAdminApiTest, ErrorsAreJsonWithTheirStatus) {
  const auto unknown = call("GET", "/admin/channels/sip%3Aconfctl-9999%40voice.example.org");
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(json::parse(unknown.body)["error"], "no such channel");
  EXPECT_EQ(call("GET", "/admin/channels/sip%3Aconfctl-1001%40elsewhere.org").status, 404u);
  EXPECT_EQ(call("POST", std::string(kPath) + "/kick", "{").status, 400u);
  EXPECT_EQ(call("POST", std::string(kPath) + "/kick", std::string(5000, ' ')).status, 413u);
  EXPECT_EQ(call("PUT", "/admin/channels").status, 405u);
}
