// `webvoxd admin …`: the calls it makes and what it prints (docs/admin.md).
#include "app/admin_client.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

using namespace webvox;
using Kind = app::AdminCommand::Kind;

TEST(AdminClient, UrlsAreReadStrictly) {
  const auto plain = app::parse_http_url("https://127.0.0.1:8443");
  ASSERT_TRUE(plain);
  EXPECT_TRUE(plain->tls);
  EXPECT_EQ(plain->host, "127.0.0.1");
  EXPECT_EQ(plain->port, "8443");
  EXPECT_EQ(plain->prefix, "");
  const auto proxied = app::parse_http_url("http://grid.example/voice/");
  ASSERT_TRUE(proxied);
  EXPECT_FALSE(proxied->tls);
  EXPECT_EQ(proxied->port, "80");
  EXPECT_EQ(proxied->prefix, "/voice");
  const auto v6 = app::parse_http_url("https://[::1]:9000");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, "9000");
  EXPECT_FALSE(app::parse_http_url("ftp://x"));
  EXPECT_FALSE(app::parse_http_url("https://"));
  EXPECT_FALSE(app::parse_http_url("https://h:port"));
  EXPECT_FALSE(app::parse_http_url("https://user:pw@h"));
  EXPECT_FALSE(app::parse_http_url("https://[::1"));
}

TEST(AdminClient, CommandsBecomeTheApiCalls) {
  app::AdminCommand command;
  EXPECT_EQ(app::admin_http_call(command).path, "/admin/channels");
  command.kind = Kind::Kick;
  command.channel_uri = "sip:confctl-1001@voice.example.org";
  command.account = "xA";
  const auto kick = app::admin_http_call(command);
  EXPECT_EQ(kick.method, "POST");
  EXPECT_EQ(kick.path, "/admin/channels/sip%3Aconfctl-1001%40voice.example.org/kick");
  EXPECT_EQ(nlohmann::json::parse(kick.body)["account"], "xA");
  command.kind = Kind::Mute;
  command.muted = false;
  EXPECT_EQ(nlohmann::json::parse(app::admin_http_call(command).body)["muted"], false);
  command.kind = Kind::Close;
  EXPECT_EQ(app::admin_http_call(command).path,
            "/admin/channels/sip%3Aconfctl-1001%40voice.example.org/close");
}

TEST(AdminClient, RepliesArePrintedForPeopleAndErrorsCarryTheServersWords) {
  app::AdminCommand list;
  const auto listed = app::render_admin_reply(list, 200, R"({"channels":[{"uri":"sip:confctl-1@r",
      "name":"c","mode":"forwarded","viewer_mix":true,"members":[{"account":"xA","name":"Ann",
      "kind":"browser","muted":false,"operator_muted":true,"packets_carried":5,
      "packets_silenced":7}]}],"viewer_rooms":[{"room":"g1","mode":"viewer-mix","sessions":2}]})");
  ASSERT_TRUE(listed.ok);
  EXPECT_NE(listed.text.find("sip:confctl-1@r  forwarded + viewer mix  1 member(s)"),
            std::string::npos)
      << listed.text;
  EXPECT_NE(listed.text.find("xA  \"Ann\"  browser  MUTED by operator"), std::string::npos);
  EXPECT_NE(listed.text.find("silenced 7"), std::string::npos);
  EXPECT_NE(listed.text.find("g1  viewer mix  2 session(s)"), std::string::npos);

  const auto refused =
      app::render_admin_reply(list, 401, R"({"error":"admin credentials required"})");
  EXPECT_FALSE(refused.ok);
  EXPECT_EQ(refused.text, "admin credentials required (HTTP 401)");
  EXPECT_FALSE(app::render_admin_reply(list, 502, "<html>").ok);
  EXPECT_FALSE(app::render_admin_reply(list, 200, "not json").ok);
  EXPECT_FALSE(app::render_admin_reply(list, 200, R"({"channels":5})").ok);
}
