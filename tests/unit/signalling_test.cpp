// The signalling protocol (docs/signalling.md) driven in process through fake links.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/token_bucket.hpp"
#include "signalling/client_message.hpp"
#include "signalling/signalling_hub.hpp"
#include "signalling/signalling_session.hpp"
#include "store/sqlite_account_repository.hpp"
#include "store/sqlite_channel_repository.hpp"

using namespace webvox;
using nlohmann::json;

namespace {

struct FakeLink final : signalling::PeerLink {
  std::vector<json> sent;
  std::optional<std::uint16_t> closed_with;
  void send(std::string text) override { sent.push_back(json::parse(text)); }
  void close(std::uint16_t code, std::string) override { closed_with = code; }
  json last() const { return sent.empty() ? json() : sent.back(); }
  std::vector<std::string> types() const {
    std::vector<std::string> out;
    for (const auto& m : sent) out.push_back(m["type"]);
    return out;
  }
};

class SignallingTest : public ::testing::Test {
 protected:
  struct Client {
    std::shared_ptr<FakeLink> link = std::make_shared<FakeLink>();
    std::shared_ptr<signalling::SignallingSession> session;
    void send(const json& message, double at = 0) {
      session->on_message(message.dump(), {at, 1000});
    }
  };

  void SetUp() override {
    accounts.create("xA", "pa");
    accounts.create("xB", "pb");
    accounts.create("xC", "pc");
    for (const char* name : {"c1", "c2"}) {
      core::CreateChannelRequest request;
      request.name = name;
      channels.create(request);
    }
    core::CreateChannelRequest dir;
    dir.name = "d";
    dir.properties.type = "dir";
    channels.create(dir);
  }

  Client connect() {
    Client client;
    client.session = hub.connect(client.link);
    return client;
  }
  Client signed_in(const std::string& account, const std::string& password) {
    auto client = connect();
    client.send({{"type", "hello"}, {"account", account}, {"password", password}});
    EXPECT_EQ(client.link->last()["type"], "welcome");
    return client;
  }
  Client joined(const std::string& account, const std::string& password, const std::string& uri) {
    auto client = signed_in(account, password);
    client.send({{"type", "join"}, {"channel", uri}});
    EXPECT_EQ(client.link->last()["type"], "joined");
    return client;
  }

  static constexpr const char* kC1 = "sip:confctl-1001@voice.example.org";
  static constexpr const char* kC2 = "sip:confctl-1002@voice.example.org";
  static constexpr const char* kDir = "sip:confctl-1003@voice.example.org";

  store::SqliteDatabase db{":memory:"};
  store::SqliteAccountRepository account_repository{db};
  store::SqliteChannelRepository channel_repository{db};
  core::PasswordHasher hasher{1};
  core::AccountService accounts{account_repository, hasher};
  core::ChannelService channels{channel_repository};
  core::JoinTokenSigner signer{std::vector<unsigned char>(32, 7)};
  signalling::SignallingHub hub{{accounts, channels, signer, {{"stun:stun.example.org"}, {}, "", 600},
                                 "voice.example.org", 3}};
};

}  // namespace

TEST_F(SignallingTest, WrongPasswordIsRefusedAndClosed) {
  auto client = connect();
  client.send({{"type", "hello"}, {"account", "xA"}, {"password", "nope"}});
  EXPECT_EQ(client.link->last()["code"], "auth_failed");
  EXPECT_EQ(client.link->closed_with, signalling::close_code::kPolicyViolation);
  EXPECT_FALSE(client.session->signed_in());
}

TEST_F(SignallingTest, OnlyHelloBeforeSignIn) {
  auto client = connect();
  client.send({{"type", "join"}, {"id", 5}, {"channel", kC1}});
  EXPECT_EQ(client.link->last()["code"], "auth_required");
  EXPECT_EQ(client.link->last()["id"], 5);
}

TEST_F(SignallingTest, WelcomeCarriesIceServers) {
  auto client = signed_in("xA", "pa");
  const auto welcome = client.link->last();
  EXPECT_EQ(welcome["account"], "xA");
  EXPECT_EQ(welcome["iceServers"][0]["urls"][0], "stun:stun.example.org");
  EXPECT_FALSE(welcome.contains("channel"));
}

TEST_F(SignallingTest, JoinListsOthersAndTellsThem) {
  auto a = joined("xA", "pa", kC1);
  EXPECT_TRUE(a.link->last()["members"].empty());
  EXPECT_EQ(a.link->last()["channelInfo"]["maxRange"], 60);
  auto b = joined("xB", "pb", kC1);
  ASSERT_EQ(b.link->last()["members"].size(), 1u);
  EXPECT_EQ(b.link->last()["members"][0]["member"], a.session->member_id());
  EXPECT_EQ(a.link->last()["type"], "member-joined");
  EXPECT_EQ(a.link->last()["member"]["member"], b.session->member_id());
}

TEST_F(SignallingTest, NothingCrossesChannels) {
  auto a = joined("xA", "pa", kC1);
  auto c = joined("xC", "pc", kC2);
  const auto c_seen = c.link->sent.size();
  auto b = joined("xB", "pb", kC1);
  b.send({{"type", "state"}, {"muted", true}});
  b.send({{"type", "signal"}, {"to", c.session->member_id()},
          {"data", {{"description", {{"type", "offer"}, {"sdp", "v=0"}}}}}});
  EXPECT_EQ(b.link->last()["code"], "unknown_member");
  EXPECT_EQ(c.link->sent.size(), c_seen);
  EXPECT_EQ(a.link->last()["type"], "member-state");
  EXPECT_EQ(a.link->last()["muted"], true);
}

TEST_F(SignallingTest, SignalReachesOnlyItsTarget) {
  auto a = joined("xA", "pa", kC1);
  auto b = joined("xB", "pb", kC1);
  auto c = joined("xC", "pc", kC1);
  const auto c_seen = c.link->sent.size();
  const json data = {{"candidate", {{"candidate", "candidate:1 1 udp 1 127.0.0.1 5000 typ host"},
                                    {"sdpMid", "0"}, {"sdpMLineIndex", 0}}}};
  c.send({{"type", "signal"}, {"to", a.session->member_id()}, {"data", data}});
  EXPECT_EQ(a.link->last()["type"], "signal");
  EXPECT_EQ(a.link->last()["from"], c.session->member_id());
  EXPECT_EQ(a.link->last()["data"], data);
  EXPECT_EQ(b.link->last()["type"], "member-joined");  // b saw c join, no signal
  EXPECT_EQ(c.link->sent.size(), c_seen);               // no error for c
}

TEST_F(SignallingTest, LeavingAndClosingTellTheOthers) {
  auto a = joined("xA", "pa", kC1);
  auto b = joined("xB", "pb", kC1);
  b.send({{"type", "leave"}, {"id", "l"}});
  EXPECT_EQ(b.link->last()["type"], "left");
  EXPECT_EQ(a.link->last()["type"], "member-left");
  EXPECT_EQ(hub.member_count(1001), 1u);
  a.session->on_closed();
  EXPECT_EQ(hub.member_count(1001), 0u);
}

TEST_F(SignallingTest, UnknownChannelsAndDirectoriesAreNotFound) {
  auto a = signed_in("xA", "pa");
  for (const char* uri : {kDir, "sip:confctl-9999@voice.example.org", "sip:confctl-1001@other.org", "x"}) {
    a.send({{"type", "join"}, {"channel", uri}});
    EXPECT_EQ(a.link->last()["code"], "not_found") << uri;
  }
}

TEST_F(SignallingTest, SameAccountReplacesItsOlderConnection) {
  auto a = joined("xA", "pa", kC1);
  auto old_b = joined("xB", "pb", kC1);
  auto new_b = joined("xB", "pb", kC1);
  EXPECT_EQ(old_b.link->last()["code"], "replaced");
  EXPECT_EQ(old_b.link->closed_with, signalling::close_code::kReplaced);
  EXPECT_EQ(new_b.link->last()["members"].size(), 1u);  // only a
  EXPECT_EQ(hub.member_count(1001), 2u);
  const auto types = a.link->types();
  EXPECT_NE(std::find(types.begin(), types.end(), "member-left"), types.end());
  old_b.session->on_closed();  // its socket closing later changes nothing
  EXPECT_EQ(hub.member_count(1001), 2u);
}

TEST_F(SignallingTest, ChannelsHaveAMaximum) {
  auto a = joined("xA", "pa", kC1);
  auto b = joined("xB", "pb", kC1);
  auto c = joined("xC", "pc", kC1);
  accounts.create("xD", "pd");
  auto d = signed_in("xD", "pd");
  d.send({{"type", "join"}, {"channel", kC1}});
  EXPECT_EQ(d.link->last()["code"], "channel_full");
}

TEST_F(SignallingTest, JoinTokensAdmitToTheirChannelOnly) {
  const auto token = signer.sign({"xA", kC1, 2000, "Ada"});
  auto a = connect();
  a.send({{"type", "hello"}, {"token", token}});
  EXPECT_EQ(a.link->last()["channel"], kC1);
  EXPECT_EQ(a.link->last()["name"], "Ada");
  a.send({{"type", "join"}, {"channel", kC2}});
  EXPECT_EQ(a.link->last()["code"], "forbidden");
  a.send({{"type", "join"}, {"channel", kC1}});
  EXPECT_EQ(a.link->last()["type"], "joined");
}

TEST_F(SignallingTest, ExpiredAndForgedTokensFail) {
  for (const auto& token : {signer.sign({"xA", kC1, 999, ""}),
                            core::JoinTokenSigner(std::vector<unsigned char>(32, 8)).sign({"xA", kC1, 2000, ""})}) {
    auto a = connect();
    a.send({{"type", "hello"}, {"token", token}});
    EXPECT_EQ(a.link->last()["code"], "auth_failed");
    EXPECT_TRUE(a.link->closed_with);
  }
}

TEST_F(SignallingTest, FloodingIsThrottledThenDropped) {
  auto a = signed_in("xA", "pa");  // hello took one of the 200 burst tokens at t=0
  for (int i = 0; i < 199; ++i) a.send({{"type", "ping"}}, 0.0);
  EXPECT_EQ(a.link->last()["type"], "pong");
  a.send({{"type", "ping"}}, 0.0);
  EXPECT_EQ(a.link->last()["code"], "rate_limited");
  EXPECT_FALSE(a.link->closed_with);
  // The bucket refills at 50/s.
  a.send({{"type", "ping"}}, 0.1);
  EXPECT_EQ(a.link->last()["type"], "pong");
  for (int i = 0; i < 200 && !a.link->closed_with; ++i) a.send({{"type", "ping"}}, 0.1);
  EXPECT_EQ(a.link->closed_with, signalling::close_code::kPolicyViolation);
}

TEST(ClientMessage, ChecksShapes) {
  using signalling::parse_client_message;
  const auto bad = [](const std::string& text) {
    return std::holds_alternative<signalling::MessageError>(parse_client_message(text));
  };
  EXPECT_TRUE(bad("not json"));
  EXPECT_TRUE(bad("[1,2]"));
  EXPECT_TRUE(bad(R"({"type":"dance"})"));
  EXPECT_TRUE(bad(R"({"type":"hello"})"));
  EXPECT_TRUE(bad(R"({"type":"hello","account":"a","password":"p","token":"t"})"));
  EXPECT_TRUE(bad(R"({"type":"join"})"));
  EXPECT_TRUE(bad(R"({"type":"join","channel":5})"));
  EXPECT_TRUE(bad(R"({"type":"signal","to":"m","data":{}})"));
  EXPECT_TRUE(bad(R"({"type":"signal","to":"m","data":{"description":{"type":"offer"}}})"));
  EXPECT_TRUE(bad(R"({"type":"signal","to":"m","data":{"description":{"type":"x","sdp":"v=0"}}})"));
  EXPECT_TRUE(bad(R"({"type":"state","muted":"yes"})"));
  EXPECT_TRUE(bad(R"({"type":"ping","id":{"a":1}})"));
  EXPECT_TRUE(bad(R"({"type":"signal","to":"m","data":{"description":{"type":"offer","sdp":")" +
                  std::string(40000, 'a') + "\"}}}"));
  EXPECT_FALSE(bad(R"({"type":"signal","to":"m","data":{"candidate":null}})"));
  EXPECT_FALSE(bad(R"({"type":"ping","id":"abc","extra":true})"));
}

TEST(ClientMessage, CleansDisplayNames) {
  EXPECT_EQ(signalling::clean_display_name("  Ada\x01 Lovelace \n"), "Ada Lovelace");
  EXPECT_EQ(signalling::clean_display_name(std::string(100, 'n')).size(), 64u);
}

TEST(TokenBucket, RefillsAtItsRate) {
  core::TokenBucket bucket(10, 2);
  EXPECT_TRUE(bucket.try_take(0));
  EXPECT_TRUE(bucket.try_take(0));
  EXPECT_FALSE(bucket.try_take(0));
  EXPECT_TRUE(bucket.try_take(0.1));
  EXPECT_FALSE(bucket.try_take(0.1));
}
