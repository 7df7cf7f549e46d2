// The channel admin API's requests (docs/admin.md): paths, methods, bodies and their bounds.
#include "app/admin_request.hpp"

#include <gtest/gtest.h>

using namespace webvox;
using app::AdminAction;

namespace {

app::AdminRequest accepted(std::string_view method, std::string_view target,
                           std::string_view body = "") {
  const auto parsed = app::parse_admin_request(method, target, body);
  EXPECT_TRUE(parsed && *parsed) << target;
  return parsed && *parsed ? **parsed : app::AdminRequest{};
}

unsigned refused(std::string_view method, std::string_view target, std::string_view body = "") {
  const auto parsed = app::parse_admin_request(method, target, body);
  EXPECT_TRUE(parsed && !*parsed) << target << " " << body;
  return parsed && !*parsed ? parsed->error().http_status : 0;
}

constexpr std::string_view kKick = "/admin/channels/sip%3Aconfctl-1001%40voice.example.org/kick";

}  // namespace

TEST(AdminRequest, OtherPathsAreNotOurs) {
  EXPECT_FALSE(app::parse_admin_request("GET", "/admin/join-tokens", ""));
  EXPECT_FALSE(app::parse_admin_request("GET", "/admin/channelsfoo", ""));
  EXPECT_FALSE(app::parse_admin_request("GET", "/admin/viewer-voice", ""));
  EXPECT_FALSE(app::parse_admin_request("GET", "/", ""));
}

TEST(AdminRequest, ListAndShow) {
  EXPECT_EQ(accepted("GET", "/admin/channels").action, AdminAction::ListChannels);
  EXPECT_EQ(accepted("GET", "/admin/channels/?x=1").action, AdminAction::ListChannels);
  const auto shown = accepted("GET", "/admin/channels/sip%3Aconfctl-1001%40voice.example.org");
  EXPECT_EQ(shown.action, AdminAction::ShowChannel);
  EXPECT_EQ(shown.channel_uri, "sip:confctl-1001@voice.example.org");
  // Unencoded works as well: a channel URI has no '/'.
  EXPECT_EQ(accepted("GET", "/admin/channels/sip:confctl-1@r").channel_uri, "sip:confctl-1@r");
  EXPECT_EQ(refused("POST", "/admin/channels"), 405u);
  EXPECT_EQ(refused("DELETE", "/admin/channels/sip:confctl-1@r"), 405u);
}

TEST(AdminRequest, KickMuteClose) {
  const auto kick = accepted("POST", kKick, R"({"account":"xA"})");
  EXPECT_EQ(kick.action, AdminAction::Kick);
  EXPECT_EQ(kick.account, "xA");
  EXPECT_EQ(kick.channel_uri, "sip:confctl-1001@voice.example.org");
  const auto mute = accepted("POST", "/admin/channels/sip:confctl-1@r/mute", R"({"account":"xB"})");
  EXPECT_EQ(mute.action, AdminAction::Mute);
  EXPECT_TRUE(mute.muted);
  EXPECT_FALSE(
      accepted("POST", "/admin/channels/sip:confctl-1@r/mute", R"({"account":"xB","muted":false})")
          .muted);
  EXPECT_EQ(accepted("POST", "/admin/channels/sip:confctl-1@r/close").action, AdminAction::Close);
  EXPECT_EQ(accepted("POST", "/admin/channels/sip:confctl-1@r/close", " {} ").action,
            AdminAction::Close);
  EXPECT_EQ(refused("GET", kKick), 405u);
  EXPECT_EQ(refused("POST", "/admin/channels/sip:confctl-1@r/ban", "{}"), 404u);
}

TEST(AdminRequest, BadBodiesAre400AndBigOnes413) {
  EXPECT_EQ(refused("POST", kKick, "{"), 400u);
  EXPECT_EQ(refused("POST", kKick, "[]"), 400u);
  EXPECT_EQ(refused("POST", kKick, "{}"), 400u);
  EXPECT_EQ(refused("POST", kKick, ""), 400u);
  EXPECT_EQ(refused("POST", kKick, R"({"account":5})"), 400u);
  EXPECT_EQ(refused("POST", kKick, R"({"account":""})"), 400u);
  EXPECT_EQ(refused("POST", kKick, R"({"account":")" + std::string(300, 'a') + "\"}"), 400u);
  EXPECT_EQ(refused("POST", kKick, "{\"account\":\"\xff\"}"), 400u);  // not UTF-8
  EXPECT_EQ(refused("POST", "/admin/channels/sip:confctl-1@r/mute", R"({"account":"x","muted":1})"),
            400u);
  EXPECT_EQ(refused("POST", "/admin/channels/sip:confctl-1@r/close", "nope"), 400u);
  const std::string big = R"({"account":"xA","pad":")" + std::string(5000, ' ') + "\"}";
  EXPECT_EQ(refused("POST", kKick, big), 413u);
  EXPECT_EQ(refused("POST", "/admin/channels/" + std::string(300, 'a') + "/kick", "{}"), 404u);
}
