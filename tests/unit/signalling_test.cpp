// The signalling protocol (docs/signalling.md) driven in process through fake links.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/token_bucket.hpp"
#include "signalling/client_message.hpp"
#include "signalling/signalling_hub.hpp"
#include "signalling/signalling_session.hpp"
#include "store/sqlite_account_repository.hpp"
#include "store/sqlite_channel_repository.hpp"

using namespace webvox;
using nlohmann::json;

namespace {

// `seconds` after an arbitrary start of the steady clock.
base::SteadyTime after(double seconds) {
  return base::SteadyTime{} + base::to_steady(base::Seconds(seconds));
}

struct FakeLink final : signalling::PeerLink {
  std::vector<json> sent;
  std::optional<std::uint16_t> closed_with;
  void send(std::string text) override { sent.push_back(json::parse(text)); }
  void close(std::uint16_t code, std::string) override { closed_with = code; }
  json last() const { return sent.empty() ? json() : sent.back(); }
  // The latest message of one type: joins and leaves are followed by `positions` updates.
  json last_of(const std::string& type) const {
    for (auto it = sent.rbegin(); it != sent.rend(); ++it) {
      if ((*it)["type"] == type) return *it;
    }
    return json();
  }
  json last_state_of(const std::string& member) const {
    for (auto it = sent.rbegin(); it != sent.rend(); ++it) {
      if ((*it)["type"] == "member-state" && (*it)["member"] == member) return *it;
    }
    return json();
  }
  std::size_t count_of(const std::string& type) const {
    return std::count_if(sent.begin(), sent.end(),
                         [&](const json& m) { return m["type"] == type; });
  }
  std::vector<std::string> types() const {
    std::vector<std::string> out;
    for (const auto& m : sent) out.push_back(m["type"]);
    return out;
  }
};

// Password checks answered at once, as the throttle-free core would: these tests are about the
// protocol. The deferred path (answers from another thread) has tests of its own below.
struct InlinePasswordChecks final : signalling::PasswordChecks {
  explicit InlinePasswordChecks(core::AccountService& accounts) : accounts(accounts) {}
  std::optional<signalling::PasswordVerdict> check(signalling::PasswordAttempt attempt,
                                                   Done) override {
    using Outcome = signalling::PasswordVerdict::Outcome;
    return signalling::PasswordVerdict{accounts.verify_password(attempt.account, attempt.password)
                                           ? Outcome::Accepted
                                           : Outcome::Refused,
                                       {}};
  }
  void token_refused(std::string_view, std::string_view reason) override {
    refused_tokens.emplace_back(reason);
  }
  core::AccountService& accounts;
  std::vector<std::string> refused_tokens;
};

// The SFU as the hub drives it: what it was told, per call.
struct FakeSfu final : signalling::SfuControl {
  std::vector<std::string> calls;  // "negotiate m", "leave m", "place m x", "floor m 1"
  std::size_t slots() const override { return 5; }
  void negotiate(core::ChannelId, const core::ChannelProperties&, const std::string& member,
                 core::Role, std::string, std::shared_ptr<signalling::PeerLink> link,
                 json) override {
    calls.push_back("negotiate " + member);
    link->send(R"({"type":"sfu-answer","sdp":"v=0"})");
  }
  void leave(core::ChannelId, const std::string& member) override {
    calls.push_back("leave " + member);
  }
  void place(core::ChannelId, const std::string& member, const core::Position& position) override {
    calls.push_back("place " + member + " " + std::to_string(static_cast<int>(position.x)));
  }
  void set_floor(core::ChannelId, const std::string& member, bool floor) override {
    calls.push_back("floor " + member + " " + (floor ? "1" : "0"));
  }
  void set_silenced(core::ChannelId, const std::string& member, bool silenced) override {
    calls.push_back("silence " + member + " " + (silenced ? "1" : "0"));
  }
  std::size_t count(const std::string& call) const {
    return std::count(calls.begin(), calls.end(), call);
  }
};

// What the hub stands on: accounts and channels on an in-memory database, a join-token key.
struct SignallingStore {
  store::SqliteDatabase db{":memory:"};
  store::SqliteAccountRepository account_repository{db};
  store::SqliteChannelRepository channel_repository{db};
  base::PasswordHasher hasher{1};
  core::AccountService accounts{account_repository, hasher};
  core::ChannelService channels{channel_repository};
  core::JoinTokenSigner signer{std::vector<unsigned char>(32, 7)};
};

class SignallingTest : public ::testing::Test, protected SignallingStore {
 protected:
  explicit SignallingTest(signalling::SfuControl* sfu = nullptr, core::ForwardingPolicy policy = {})
      : hub{{accounts,
             channels,
             signer,
             {{"stun:stun.example.org"}, {}, "", 600},
             "voice.example.org",
             3,
             sfu,
             policy,
             password_checks}} {}

  struct Client {
    std::shared_ptr<FakeLink> link = std::make_shared<FakeLink>();
    std::shared_ptr<signalling::SignallingSession> session;
    void send(const json& message, double at = 0) {
      session->on_message(message.dump(), {after(at), 1000});
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
    for (const char* mode : {"lecture", "auditorium"}) {  // 1004, 1005
      core::CreateChannelRequest moderated;
      moderated.name = mode;
      moderated.properties.mode = mode;
      channels.create(moderated);
    }
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
  static constexpr const char* kLecture = "sip:confctl-1004@voice.example.org";
  static constexpr const char* kAuditorium = "sip:confctl-1005@voice.example.org";

  // Joins with a join token, as a moderator or not.
  Client joined_by_token(const std::string& account, const std::string& uri, bool moderator) {
    auto client = connect();
    client.send({{"type", "hello"}, {"token", signer.sign({account, uri, 2000, "", moderator})}});
    client.send({{"type", "join"}, {"channel", uri}});
    EXPECT_EQ(client.link->last()["type"], "joined");
    return client;
  }
  static json position(double x, double y = 0, double z = 0, double yaw = 0) {
    return {{"type", "position"}, {"x", x}, {"y", y}, {"z", z}, {"yaw", yaw}};
  }

  InlinePasswordChecks password_checks{accounts};
  signalling::SignallingHub hub;
};

// Auto with a threshold of 2 (the fixture's channels hold 3): a mesh for two, forwarded for
// three, a mesh again for one.
class ForwardingSwitchTest : public SignallingTest {
 protected:
  ForwardingSwitchTest() : SignallingTest(&sfu, {core::MediaMode::Auto, 2}) {}
  static json forwarding_message(const char* mode) {
    json message = {{"type", "forwarding"}, {"forwarding", mode}};
    if (std::string(mode) == "sfu") message["slots"] = 5;
    return message;
  }
  // Constructed after the base's hub, which only keeps the address until a member joins.
  FakeSfu sfu;
};

}  // namespace

TEST_F(SignallingTest, WrongPasswordIsRefusedAndClosed) {
  auto client = connect();
  client.send({{"type", "hello"}, {"account", "xA"}, {"password", "nope"}});
  EXPECT_EQ(client.link->last()["code"], "auth_failed");
  EXPECT_EQ(client.link->closed_with, signalling::close_code::kPolicyViolation);
  EXPECT_FALSE(client.session->signed_in());
}

TEST_F(SignallingTest, TheCensusCountsSessionsSignInsChannelsAndMembers) {
  auto stranger = connect();
  auto refused = connect();
  refused.send({{"type", "hello"}, {"account", "xA"}, {"password", "nope"}});
  {
    auto a = joined("xA", "pa", kC1);
    auto b = joined("xB", "pb", kC1);
    auto c = joined("xC", "pc", kC2);
    const auto census = hub.census();
    EXPECT_EQ(census.sessions, 5u);
    EXPECT_EQ(census.signed_in, 3u);
    EXPECT_EQ(census.mesh_channels, 2u);
    EXPECT_EQ(census.mesh_members, 3u);
    EXPECT_EQ(census.forwarded_channels, 0u);
    EXPECT_EQ(census.viewer_members, 0u);
    c.session->on_closed();
  }
  // The three signed-in sessions are gone with their connections.
  const auto census = hub.census();
  EXPECT_EQ(census.sessions, 2u);
  EXPECT_EQ(census.signed_in, 0u);
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
  EXPECT_EQ(a.link->last_of("member-joined")["member"]["member"], b.session->member_id());
}

TEST_F(SignallingTest, NothingCrossesChannels) {
  auto a = joined("xA", "pa", kC1);
  auto c = joined("xC", "pc", kC2);
  const auto c_seen = c.link->sent.size();
  auto b = joined("xB", "pb", kC1);
  b.send({{"type", "state"}, {"muted", true}});
  b.send({{"type", "signal"},
          {"to", c.session->member_id()},
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
  const json data = {{"candidate",
                      {{"candidate", "candidate:1 1 udp 1 127.0.0.1 5000 typ host"},
                       {"sdpMid", "0"},
                       {"sdpMLineIndex", 0}}}};
  c.send({{"type", "signal"}, {"to", a.session->member_id()}, {"data", data}});
  EXPECT_EQ(a.link->last()["type"], "signal");
  EXPECT_EQ(a.link->last()["from"], c.session->member_id());
  EXPECT_EQ(a.link->last()["data"], data);
  EXPECT_EQ(b.link->count_of("signal"), 0u);  // b saw c join, no signal
  EXPECT_EQ(c.link->sent.size(), c_seen);     // no error for c
}

TEST_F(SignallingTest, LeavingAndClosingTellTheOthers) {
  auto a = joined("xA", "pa", kC1);
  auto b = joined("xB", "pb", kC1);
  b.send({{"type", "leave"}, {"id", "l"}});
  EXPECT_EQ(b.link->last()["type"], "left");
  EXPECT_EQ(a.link->last_of("member-left")["member"], b.session->member_id());
  EXPECT_EQ(hub.member_count(1001), 1u);
  a.session->on_closed();
  EXPECT_EQ(hub.member_count(1001), 0u);
}

TEST_F(SignallingTest, UnknownChannelsAndDirectoriesAreNotFound) {
  auto a = signed_in("xA", "pa");
  for (const char* uri :
       {kDir, "sip:confctl-9999@voice.example.org", "sip:confctl-1001@other.org", "x"}) {
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
  for (const auto& token :
       {signer.sign({"xA", kC1, 999, ""}),
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

// ── positions and hearing ──

TEST_F(SignallingTest, PositionsAreCheckedAndRateLimited) {
  auto a = joined("xA", "pa", kC1);
  for (const json& bad :
       {json{{"type", "position"}, {"x", -5}, {"y", 0}, {"z", 0}},
        json{{"type", "position"}, {"x", "1"}, {"y", 0}, {"z", 0}},
        json{{"type", "position"}, {"x", 1}, {"y", 0}},
        json{{"type", "position"}, {"x", 1}, {"y", 0}, {"z", 1e9}},
        json{{"type", "position"},
             {"x", 1},
             {"y", 0},
             {"z", 0},
             {"yaw", 1},
             {"rotation", {0, 0, 0, 1}}},
        json{{"type", "position"}, {"x", 1}, {"y", 0}, {"z", 0}, {"rotation", {0, 0, 0, 0}}},
        json{{"type", "position"}, {"x", 1}, {"y", 0}, {"z", 0}, {"rotation", {0, 0, 1}}}}) {
    a.send(bad, 0);
    EXPECT_EQ(a.link->last()["code"], "bad_message") << bad.dump();
  }
  const auto before = a.link->sent.size();
  for (int i = 0; i < 10; ++i) a.send(position(10 + i), 1.0);
  EXPECT_EQ(a.link->sent.size(), before);  // accepted silently
  a.send(position(30), 1.0);
  EXPECT_EQ(a.link->last()["code"], "rate_limited");
  a.send(position(31), 1.1);  // 10 per second refill
  EXPECT_EQ(a.link->sent.size(), before + 1);
  auto b = connect();
  b.send({{"type", "hello"}, {"account", "xB"}, {"password", "pb"}});
  b.send(position(1), 0);
  EXPECT_EQ(b.link->last()["code"], "not_in_channel");
}

TEST_F(SignallingTest, EachMemberLearnsPositionsAndWhomItHears) {
  auto a = joined("xA", "pa", kC1);
  auto b = joined("xB", "pb", kC1);
  // Unplaced members hear each other at full level until they report positions.
  EXPECT_EQ(b.link->last()["audible"], json::array({a.session->member_id()}));
  hub.push_positions();  // the tick tells a of its new listener
  EXPECT_EQ(a.link->last_of("positions")["listeners"], json::array({b.session->member_id()}));
  a.send(position(0), 0);
  b.send(position(25, 0, 0, 3.0), 0);
  hub.push_positions();
  const auto seen = a.link->last();
  EXPECT_EQ(seen["type"], "positions");
  ASSERT_EQ(seen["members"].size(), 1u);  // not its own: it knows where it put itself
  EXPECT_EQ(seen["members"][0]["member"], b.session->member_id());
  EXPECT_EQ(seen["members"][0]["x"], 25.0);
  EXPECT_EQ(seen["members"][0]["yaw"], 3.0);
  EXPECT_EQ(seen["members"][0]["source"], "client");
  EXPECT_EQ(seen["audible"], json::array({b.session->member_id()}));
  // Module defaults (linear, ref 10, max 60, r 2) fall silent at 35 m: out of range.
  b.send(position(40), 1);
  hub.push_positions();
  EXPECT_EQ(a.link->last()["audible"], json::array());
  EXPECT_EQ(a.link->last()["listeners"], json::array());
  EXPECT_EQ(b.link->last()["audible"], json::array());
  EXPECT_EQ(b.link->last()["members"], json::array());  // a did not move
  b.send(position(34), 2);
  hub.push_positions();
  EXPECT_EQ(a.link->last()["audible"], json::array({b.session->member_id()}));
}

TEST_F(SignallingTest, PositionUpdatesAreBatchedPerPush) {
  auto a = joined("xA", "pa", kC1);
  auto b = joined("xB", "pb", kC1);
  hub.push_positions();
  const auto before = a.link->count_of("positions");
  for (int i = 0; i < 8; ++i) b.send(position(1 + i), 0.1 * i);
  hub.push_positions();
  hub.push_positions();  // nothing new: nothing sent
  EXPECT_EQ(a.link->count_of("positions"), before + 1);
  EXPECT_EQ(a.link->last()["members"][0]["x"], 8.0);
}

TEST_F(SignallingTest, PositionsStayInTheirChannel) {
  auto c = joined("xC", "pc", kC2);
  auto a = joined("xA", "pa", kC1);
  auto b = joined("xB", "pb", kC1);
  a.send(position(3), 0);
  b.send(position(4), 0);
  hub.place_from_world("xA", {5, 5, 5, 0}, after(0));
  hub.push_positions();
  EXPECT_EQ(c.link->count_of("positions"), 0u);
  for (const auto& message : c.link->sent) {
    EXPECT_EQ(message.dump().find(a.session->member_id()), std::string::npos) << message.dump();
  }
  // Leaving forgets the position: a newcomer in the channel does not learn it.
  b.send({{"type", "leave"}});
  auto b2 = joined("xB", "pb", kC1);
  EXPECT_EQ(b2.link->last()["members"][0]["position"]["x"], 5.0);  // a's world position
  a.send({{"type", "leave"}});
  auto a2 = joined("xC", "pc", kC1);
  const auto joined_again = a2.link->last();  // iterate a named copy, not a temporary's part
  for (const auto& member : joined_again["members"]) EXPECT_FALSE(member.contains("position"));
}

TEST_F(SignallingTest, WorldPositionsPlaceNewcomersAndOverrideClients) {
  hub.place_from_world("xB", {100, 50, 20, 1.0}, after(0));
  auto a = joined("xA", "pa", kC1);
  a.send(position(100, 45), 0);
  auto b = connect();
  b.send({{"type", "hello"}, {"account", "xB"}, {"password", "pb"}}, 1);
  b.send({{"type", "join"}, {"channel", kC1}}, 1);
  const auto joined_message = b.link->last_of("joined");
  EXPECT_EQ(joined_message["self"]["position"]["source"], "world");
  EXPECT_EQ(joined_message["self"]["position"]["y"], 50.0);
  hub.push_positions();
  EXPECT_EQ(a.link->last()["members"][0]["source"], "world");
  // Its own client cannot move it while the world does…
  b.send(position(1), 2);
  hub.push_positions();
  EXPECT_EQ(a.link->last()["members"][0]["x"], 100.0);
  hub.place_from_world("xB", {101, 50, 20, 1.0}, after(3));
  hub.push_positions();
  EXPECT_EQ(b.link->last()["members"][0]["x"], 101.0);  // told where the world put it
  EXPECT_EQ(b.link->last()["members"][0]["member"], b.session->member_id());
  // …until the world has gone quiet.
  b.send(position(7), 3 + base::Seconds(signalling::SignallingHub::kWorldPrecedence).count() + 0.1);
  hub.push_positions();
  EXPECT_EQ(a.link->last()["members"][0]["x"], 7.0);
  EXPECT_EQ(a.link->last()["members"][0]["source"], "client");
}

TEST_F(SignallingTest, StaleWorldPositionsAreNotApplied) {
  hub.place_from_world("xB", {100, 50, 20, 1.0}, after(0));
  auto b = connect();
  const double later = base::Seconds(signalling::SignallingHub::kPendingWorld).count() + 1;
  b.send({{"type", "hello"}, {"account", "xB"}, {"password", "pb"}}, later);
  b.send({{"type", "join"}, {"channel", kC1}}, later);
  EXPECT_FALSE(b.link->last()["self"].contains("position"));
}

TEST_F(SignallingTest, JoinsAndLeavesReachAudibleListsAtTheNextTickOnly) {
  // A crowd arriving together must not cost one O(N) push per arrival.
  auto a = joined("xA", "pa", kC1);
  auto b = joined("xB", "pb", kC1);
  auto c = joined("xC", "pc", kC1);
  const auto count_positions = [](const auto& member) {
    return member.link->count_of("positions");
  };
  EXPECT_EQ(count_positions(a), 0u);
  hub.push_positions();
  EXPECT_EQ(count_positions(a), 1u);
  EXPECT_EQ(a.link->last_of("positions")["listeners"].size(), 2u);
  c.send({{"type", "leave"}});
  EXPECT_EQ(count_positions(a), 1u);
  hub.push_positions();
  EXPECT_EQ(count_positions(a), 2u);
  EXPECT_EQ(a.link->last_of("positions")["listeners"], json::array({b.session->member_id()}));
}

// ── channel modes ──

TEST_F(SignallingTest, LectureParticipantsSpeakOnlyWithTheFloor) {
  auto m = joined_by_token("xA", kLecture, true);
  EXPECT_EQ(m.link->last()["self"]["role"], "moderator");
  EXPECT_EQ(m.link->last()["self"]["floor"], true);
  auto p = joined_by_token("xB", kLecture, false);
  const auto joined_message = p.link->last();
  EXPECT_EQ(joined_message["self"]["floor"], false);
  EXPECT_EQ(joined_message["listeners"], json::array());  // sends to no one
  EXPECT_EQ(joined_message["audible"], json::array({m.session->member_id()}));
  hub.push_positions();
  EXPECT_EQ(m.link->last()["audible"], json::array());
  p.send({{"type", "state"}, {"speaking", true}});
  EXPECT_EQ(m.link->last()["speaking"], false);  // never relayed as heard
  p.send({{"type", "hand"}, {"raised", true}});
  EXPECT_EQ(m.link->last()["hand"], true);
  p.send({{"type", "floor"}, {"member", p.session->member_id()}, {"granted", true}});
  EXPECT_EQ(p.link->last()["code"], "forbidden");
  m.send({{"type", "floor"}, {"member", p.session->member_id()}, {"granted", true}});
  EXPECT_EQ(p.link->last_of("member-state")["floor"], true);
  EXPECT_EQ(p.link->last_of("member-state")["hand"], false);
  EXPECT_EQ(p.link->last()["listeners"], json::array({m.session->member_id()}));
  EXPECT_EQ(m.link->last()["audible"], json::array({p.session->member_id()}));
  m.send({{"type", "floor"}, {"member", p.session->member_id()}, {"granted", false}});
  EXPECT_EQ(m.link->last()["audible"], json::array());
  m.send({{"type", "floor"}, {"member", "nobody"}, {"granted", true}});
  EXPECT_EQ(m.link->last()["code"], "unknown_member");
}

TEST_F(SignallingTest, AuditoriumHasOneAudienceMicrophone) {
  auto m = joined_by_token("xA", kAuditorium, true);
  auto p1 = joined_by_token("xB", kAuditorium, false);
  auto p2 = joined_by_token("xC", kAuditorium, false);
  m.send({{"type", "floor"}, {"member", p1.session->member_id()}, {"granted", true}});
  EXPECT_EQ(p1.link->last_state_of(p1.session->member_id())["floor"], true);
  m.send({{"type", "floor"}, {"member", p2.session->member_id()}, {"granted", true}});
  EXPECT_EQ(p1.link->last_state_of(p1.session->member_id())["floor"], false);
  EXPECT_EQ(m.link->last_state_of(p1.session->member_id())["floor"], false);
  EXPECT_EQ(p1.link->last()["listeners"], json::array());
  EXPECT_EQ(m.link->last()["audible"], json::array({p2.session->member_id()}));
}

TEST_F(SignallingTest, OpenChannelsNeedNoFloor) {
  auto m = joined_by_token("xA", kC1, true);
  auto p = joined_by_token("xB", kC1, false);
  EXPECT_EQ(p.link->last()["self"]["floor"], true);
  m.send({{"type", "floor"}, {"member", p.session->member_id()}, {"granted", false}});
  EXPECT_EQ(m.link->last()["code"], "not_moderated");
}

// ── forwarding by channel size ──

TEST_F(SignallingTest, WithoutAForwarderEveryChannelIsAMesh) {
  auto a = joined("xA", "pa", kC1);
  auto b = joined("xB", "pb", kC1);
  auto c = joined("xC", "pc", kC1);
  EXPECT_EQ(c.link->last()["channelInfo"]["forwarding"], "mesh");
  EXPECT_FALSE(c.link->last()["channelInfo"].contains("slots"));
  EXPECT_EQ(a.link->count_of("forwarding"), 0u);
  c.send({{"type", "sfu-offer"}, {"sdp", "v=0"}, {"id", 4}});
  EXPECT_EQ(c.link->last()["code"], "sfu_off");
  EXPECT_EQ(c.link->last()["id"], 4);
}

TEST_F(ForwardingSwitchTest, TheMemberBeyondTheThresholdSwitchesEveryoneToTheServer) {
  auto a = joined("xA", "pa", kC1);
  auto b = joined("xB", "pb", kC1);
  EXPECT_EQ(b.link->last()["channelInfo"]["forwarding"], "mesh");
  EXPECT_EQ(hub.forwarding(1001), core::ForwardingMode::Mesh);
  auto c = joined("xC", "pc", kC1);
  EXPECT_EQ(c.link->last()["channelInfo"]["forwarding"], "sfu");
  EXPECT_EQ(c.link->last()["channelInfo"]["slots"], 5);
  EXPECT_EQ(c.link->count_of("forwarding"), 0u);  // its `joined` says so
  for (auto* member : {&a, &b}) {
    // Told before they learn of the newcomer, so nobody starts a mesh connection to it.
    const auto types = member->link->types();
    const auto switched = std::find(types.begin(), types.end(), "forwarding");
    ASSERT_NE(switched, types.end());
    EXPECT_EQ(std::find(switched, types.end(), "member-joined") - switched, 1);
    EXPECT_EQ(member->link->last_of("forwarding"), forwarding_message("sfu"));
    EXPECT_EQ(member->link->count_of("forwarding"), 1u);
  }
  EXPECT_EQ(hub.forwarding(1001), core::ForwardingMode::Sfu);
}

TEST_F(ForwardingSwitchTest, OffersPassOnlyWhenForwardedAndSignalsOnlyInAMesh) {
  auto a = joined("xA", "pa", kC1);
  auto b = joined("xB", "pb", kC1);
  const auto b_id = b.session->member_id();
  a.send({{"type", "sfu-offer"}, {"sdp", "v=0"}, {"id", 1}});
  EXPECT_EQ(a.link->last()["code"], "sfu_off");
  a.send({{"type", "signal"}, {"to", b_id}, {"data", {{"candidate", nullptr}}}});
  EXPECT_EQ(b.link->last()["type"], "signal");
  auto c = joined("xC", "pc", kC1);
  a.send({{"type", "sfu-offer"}, {"sdp", "v=0"}, {"id", 2}});
  EXPECT_EQ(a.link->last()["type"], "sfu-answer");
  EXPECT_EQ(sfu.count("negotiate " + a.session->member_id()), 1u);
  const auto b_before = b.link->sent.size();
  a.send({{"type", "signal"}, {"to", b_id}, {"data", {{"candidate", nullptr}}}, {"id", 3}});
  EXPECT_EQ(a.link->last()["code"], "mesh_off");
  EXPECT_EQ(a.link->last()["id"], 3);
  EXPECT_EQ(b.link->sent.size(), b_before);  // nothing relayed
  a.send({{"type", "signal"}, {"to", "nobody"}, {"data", {{"candidate", nullptr}}}});
  EXPECT_EQ(a.link->last()["code"], "unknown_member");
}

TEST_F(ForwardingSwitchTest, TheForwarderLearnsTheFactsAtTheSwitchAndLosesTheSessionsAfter) {
  auto a = joined("xA", "pa", kC1);
  a.send(position(20), 1);
  auto b = joined("xB", "pb", kC1);
  EXPECT_TRUE(sfu.calls.empty());  // a mesh is none of its business
  auto c = joined("xC", "pc", kC1);
  const auto id = [](const Client& x) { return x.session->member_id(); };
  EXPECT_EQ(sfu.count("place " + id(a) + " 20"), 1u);
  for (const auto* x : {&a, &b}) EXPECT_EQ(sfu.count("floor " + id(*x) + " 1"), 1u);
  b.send(position(30), 1);
  EXPECT_EQ(sfu.count("place " + id(b) + " 30"), 1u);

  // Down to two: still forwarded (two is the threshold, not below it).
  c.send({{"type", "leave"}});
  EXPECT_EQ(sfu.count("leave " + id(c)), 1u);
  EXPECT_EQ(a.link->count_of("forwarding"), 1u);
  EXPECT_EQ(hub.forwarding(1001), core::ForwardingMode::Sfu);
  // Down to one: a mesh again, and the forwarder drops the member's session.
  b.session->on_closed();
  EXPECT_EQ(a.link->last_of("forwarding"), forwarding_message("mesh"));
  EXPECT_EQ(a.link->last(), forwarding_message("mesh"));  // after member-left
  EXPECT_EQ(sfu.count("leave " + id(a)), 1u);
  const auto calls = sfu.calls.size();
  a.send(position(40), 2);
  EXPECT_EQ(sfu.calls.size(), calls);
}

TEST_F(ForwardingSwitchTest, AReloadInAForwardedChannelAtTheThresholdDoesNotSwitch) {
  auto a = joined("xA", "pa", kC1);
  auto b = joined("xB", "pb", kC1);
  auto c = joined("xC", "pc", kC1);
  c.send({{"type", "leave"}});
  ASSERT_EQ(hub.forwarding(1001), core::ForwardingMode::Sfu);  // two, at the threshold
  // b's page reloads: its new connection replaces the old one before that one closes.
  auto b2 = joined("xB", "pb", kC1);
  EXPECT_EQ(b2.link->last()["channelInfo"]["forwarding"], "sfu");
  b.session->on_closed();
  EXPECT_EQ(a.link->count_of("forwarding"), 1u);  // only the switch to sfu
  EXPECT_EQ(hub.forwarding(1001), core::ForwardingMode::Sfu);
}

TEST_F(ForwardingSwitchTest, ViewersArePlacedForBrowsersAndCostNothingWithoutThem) {
  auto a = joined("xA", "pa", kC1);
  a.send(position(0), 0);
  const auto properties = channels.find(1001)->properties;
  for (const char* viewer : {"viewer-1", "viewer-2"}) {
    signalling::MemberInfo info;
    info.member = viewer;
    info.account = "xB";
    ASSERT_TRUE(hub.join_viewer(1001, properties, info));
  }
  EXPECT_TRUE(hub.place(1001, "viewer-1", {5, 0, 0, 0}, after(1)));
  EXPECT_TRUE(hub.place(1001, "viewer-2", {50, 0, 0, 0}, after(1)));
  hub.push_positions();
  const auto seen = a.link->last_of("positions");
  ASSERT_EQ(seen["members"].size(), 2u);
  EXPECT_EQ(seen["audible"], json::array({"viewer-1"}));  // viewer-2 is beyond 35 m
  EXPECT_EQ(seen["listeners"], json::array({"viewer-1"}));
  // Left to viewers alone, the channel has nobody to push to: nothing is decided, and the
  // viewers go on being placed and leaving without a browser to tell.
  hub.leave(1001, a.session->member_id());
  const auto sent = a.link->sent.size();
  EXPECT_TRUE(hub.place(1001, "viewer-1", {6, 0, 0, 0}, after(2)));
  hub.push_positions();
  hub.leave(1001, "viewer-1");
  hub.push_positions();
  EXPECT_EQ(a.link->sent.size(), sent);
}

TEST_F(ForwardingSwitchTest, MovingToAnotherChannelRefitsTheOneLeft) {
  auto a = joined("xA", "pa", kC1);
  auto b = joined("xB", "pb", kC1);
  auto c = joined("xC", "pc", kC1);
  c.send({{"type", "leave"}});
  b.send({{"type", "join"}, {"channel", kC2}});
  EXPECT_EQ(b.link->last()["channelInfo"]["forwarding"], "mesh");
  EXPECT_EQ(a.link->last(), forwarding_message("mesh"));
}

TEST(ClientMessage, ChecksShapes) {
  using signalling::parse_client_message;
  const auto bad = [](const std::string& text) { return !parse_client_message(text).has_value(); };
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
  base::TokenBucket bucket(10, 2);
  EXPECT_TRUE(bucket.try_take(after(0)));
  EXPECT_TRUE(bucket.try_take(after(0)));
  EXPECT_FALSE(bucket.try_take(after(0)));
  EXPECT_TRUE(bucket.try_take(after(0.1)));
  EXPECT_FALSE(bucket.try_take(after(0.1)));
}

namespace {

// Password checks answered later, as app::PasswordCheckService does from its workers, or at
// once with a chosen verdict (throttled, busy).
struct DeferredPasswordChecks final : signalling::PasswordChecks {
  std::optional<signalling::PasswordVerdict> check(signalling::PasswordAttempt attempt,
                                                   Done done) override {
    attempts.push_back(attempt);
    if (immediate) return immediate;
    pending.push_back(std::move(done));
    return std::nullopt;
  }
  void token_refused(std::string_view source, std::string_view reason) override {
    refused_tokens.push_back(std::string(source) + ": " + std::string(reason));
  }
  void answer(signalling::PasswordVerdict::Outcome outcome) {
    auto done = std::move(pending.front());
    pending.erase(pending.begin());
    done({outcome, std::chrono::seconds(0)}, {after(1), 1000});
  }
  std::optional<signalling::PasswordVerdict> immediate;
  std::vector<signalling::PasswordAttempt> attempts;
  std::vector<Done> pending;
  std::vector<std::string> refused_tokens;
};

class DeferredSignInTest : public ::testing::Test, protected SignallingStore {
 protected:
  DeferredSignInTest() {
    accounts.create("xA", "pa");
    core::CreateChannelRequest request;
    request.name = "c1";
    channels.create(request);
  }
  struct Client {
    std::shared_ptr<FakeLink> link = std::make_shared<FakeLink>();
    std::shared_ptr<signalling::SignallingSession> session;
    void send(const json& message) { session->on_message(message.dump(), {after(0), 1000}); }
  };
  Client connect(const std::string& source = "203.0.113.9") {
    Client client;
    client.session = hub.connect(client.link, source);
    return client;
  }

  DeferredPasswordChecks checks;
  signalling::SignallingHub hub{
      {accounts, channels, signer, {}, "voice.example.org", 3, nullptr, {}, checks}};
};

// The check runs elsewhere; a join sent right behind the hello waits for its answer.
TEST_F(DeferredSignInTest, MessagesBehindAHelloWaitForItsPasswordCheck) {
  auto client = connect();
  client.send({{"type", "hello"}, {"id", 1}, {"account", "xA"}, {"password", "pa"}});
  client.send({{"type", "join"}, {"id", 2}, {"channel", "sip:confctl-1001@voice.example.org"}});
  client.send({{"type", "ping"}, {"id", 3}});
  EXPECT_TRUE(client.link->sent.empty());
  ASSERT_EQ(checks.attempts.size(), 1u);
  EXPECT_EQ(checks.attempts[0].source, "203.0.113.9");
  EXPECT_EQ(checks.attempts[0].account, "xA");
  EXPECT_EQ(checks.attempts[0].password, "pa");
  checks.answer(signalling::PasswordVerdict::Outcome::Accepted);
  const auto types = client.link->types();
  ASSERT_GE(types.size(), 3u);
  EXPECT_EQ(types[0], "welcome");
  EXPECT_EQ(client.link->sent[0]["id"], 1);
  EXPECT_EQ(types[1], "joined");
  EXPECT_EQ(types.back(), "pong");
  EXPECT_TRUE(client.session->signed_in());
}

TEST_F(DeferredSignInTest, ARefusalClosesAndDropsWhatWaited) {
  auto client = connect();
  client.send({{"type", "hello"}, {"id", 1}, {"account", "xA"}, {"password", "no"}});
  client.send({{"type", "ping"}, {"id", 2}});
  checks.answer(signalling::PasswordVerdict::Outcome::Refused);
  ASSERT_EQ(client.link->sent.size(), 1u);
  EXPECT_EQ(client.link->last()["code"], "auth_failed");
  EXPECT_EQ(client.link->closed_with, signalling::close_code::kPolicyViolation);
}

TEST_F(DeferredSignInTest, AnAnswerAfterTheSocketClosedIsDropped) {
  auto client = connect();
  client.send({{"type", "hello"}, {"account", "xA"}, {"password", "pa"}});
  client.session->on_closed();
  checks.answer(signalling::PasswordVerdict::Outcome::Accepted);
  EXPECT_TRUE(client.link->sent.empty());
}

TEST_F(DeferredSignInTest, ThrottledHellosGetAuthThrottledWithRetryAfterAndAreClosed) {
  checks.immediate = signalling::PasswordVerdict{signalling::PasswordVerdict::Outcome::Throttled,
                                                 std::chrono::seconds(8)};
  auto client = connect();
  client.send({{"type", "hello"}, {"id", 1}, {"account", "xA"}, {"password", "pa"}});
  EXPECT_EQ(client.link->last()["type"], "error");
  EXPECT_EQ(client.link->last()["code"], "auth_throttled");
  EXPECT_EQ(client.link->last()["retryAfter"], 8);
  EXPECT_EQ(client.link->last()["id"], 1);
  EXPECT_EQ(client.link->closed_with, signalling::close_code::kPolicyViolation);
}

TEST_F(DeferredSignInTest, BusyLeavesTheSocketOpenForAnotherHello) {
  checks.immediate = signalling::PasswordVerdict{signalling::PasswordVerdict::Outcome::Busy,
                                                 std::chrono::seconds(1)};
  auto client = connect();
  client.send({{"type", "hello"}, {"id", 1}, {"account", "xA"}, {"password", "pa"}});
  EXPECT_EQ(client.link->last()["code"], "busy");
  EXPECT_EQ(client.link->last()["retryAfter"], 1);
  EXPECT_FALSE(client.link->closed_with);
  checks.immediate.reset();
  client.send({{"type", "hello"}, {"id", 2}, {"account", "xA"}, {"password", "pa"}});
  checks.answer(signalling::PasswordVerdict::Outcome::Accepted);
  EXPECT_EQ(client.link->last()["type"], "welcome");
}

TEST_F(DeferredSignInTest, MessagesBeyondTheHeldLimitAreDropped) {
  auto client = connect();
  client.send({{"type", "hello"}, {"account", "xA"}, {"password", "pa"}});
  for (std::size_t i = 0; i < signalling::SignallingSession::Limits::kHeldWhileSigningIn + 3; ++i) {
    client.send({{"type", "ping"}, {"id", i}});
  }
  EXPECT_EQ(client.link->count_of("error"), 3u);
  checks.answer(signalling::PasswordVerdict::Outcome::Accepted);
  EXPECT_EQ(client.link->count_of("pong"),
            signalling::SignallingSession::Limits::kHeldWhileSigningIn);
}

TEST_F(DeferredSignInTest, RefusedJoinTokensAreReportedWithTheirSource) {
  auto client = connect("198.51.100.7");
  client.send({{"type", "hello"}, {"token", "v1.bogus.bogus"}});
  EXPECT_EQ(client.link->last()["code"], "auth_failed");
  ASSERT_EQ(checks.refused_tokens.size(), 1u);
  EXPECT_EQ(checks.refused_tokens[0], "198.51.100.7: invalid join token");
  EXPECT_TRUE(checks.attempts.empty());
}

}  // namespace

// The grid operator's actions (docs/admin.md): kick, mute, close.

TEST_F(SignallingTest, KickedMemberIsToldAndLeavesAndWaitsBeforeRejoining) {
  auto a = joined("xA", "pa", kC1);
  auto b = joined("xB", "pb", kC1);
  const auto kicked = hub.kick(1001, kC1, "xB", after(0), std::chrono::seconds(60));
  ASSERT_EQ(kicked.result, signalling::SignallingHub::OperatorResult::Done);
  ASSERT_EQ(kicked.members.size(), 1u);
  EXPECT_EQ(kicked.members[0].member, b.session->member_id());
  const auto removed = b.link->last();
  EXPECT_EQ(removed["type"], "removed");
  EXPECT_EQ(removed["reason"], "kicked");
  EXPECT_EQ(removed["channel"], kC1);
  EXPECT_EQ(removed["retryAfter"], 60);
  EXPECT_EQ(a.link->last_of("member-left")["member"], b.session->member_id());
  EXPECT_EQ(hub.member_count(1001), 1u);
  // Signals to the kicked member no longer pass.
  a.send({{"type", "signal"},
          {"to", b.session->member_id()},
          {"data", {{"description", {{"type", "offer"}, {"sdp", "v=0"}}}}}});
  EXPECT_EQ(a.link->last()["code"], "unknown_member");

  b.send({{"type", "join"}, {"id", 3}, {"channel", kC1}}, 30);
  EXPECT_EQ(b.link->last()["code"], "kicked");
  EXPECT_EQ(b.link->last()["retryAfter"], 30);
  EXPECT_EQ(hub.member_count(1001), 1u);
  // Another channel is open to it, and the cool-down ends.
  b.send({{"type", "join"}, {"channel", kC2}}, 31);
  EXPECT_EQ(b.link->last()["type"], "joined");
  b.send({{"type", "join"}, {"channel", kC1}}, 60);
  EXPECT_EQ(b.link->last()["type"], "joined");
}

TEST_F(SignallingTest, KickNamesUnknownChannelsAndMembers) {
  auto a = joined("xA", "pa", kC1);
  EXPECT_EQ(hub.kick(1002, kC2, "xA", after(0), std::chrono::seconds(60)).result,
            signalling::SignallingHub::OperatorResult::UnknownChannel);
  EXPECT_EQ(hub.kick(1001, kC1, "xB", after(0), std::chrono::seconds(60)).result,
            signalling::SignallingHub::OperatorResult::UnknownMember);
  EXPECT_EQ(hub.set_operator_muted(1001, "xB", true).result,
            signalling::SignallingHub::OperatorResult::UnknownMember);
  EXPECT_EQ(hub.close(1002, kC2).result, signalling::SignallingHub::OperatorResult::UnknownChannel);
  // Nothing was done to the one who is there.
  EXPECT_EQ(hub.member_count(1001), 1u);
  EXPECT_EQ(a.link->last()["type"], "joined");
}

TEST_F(SignallingTest, OperatorMuteIsToldToEveryoneAndOutlivesARejoin) {
  auto a = joined("xA", "pa", kC1);
  auto b = joined("xB", "pb", kC1);
  ASSERT_EQ(hub.set_operator_muted(1001, "xB", true).result,
            signalling::SignallingHub::OperatorResult::Done);
  for (auto* client : {&a, &b}) {
    const auto state = client->link->last();
    EXPECT_EQ(state["type"], "member-state");
    EXPECT_EQ(state["member"], b.session->member_id());
    EXPECT_EQ(state["operatorMuted"], true);
  }
  // Speaking is never relayed while muted by the operator.
  b.send({{"type", "state"}, {"speaking", true}});
  EXPECT_EQ(a.link->last()["speaking"], false);
  // Leaving and joining again does not lift it; the operator does.
  b.send({{"type", "leave"}});
  b.send({{"type", "join"}, {"channel", kC1}});
  EXPECT_EQ(b.link->last()["self"]["operatorMuted"], true);
  EXPECT_EQ(a.link->last_of("member-joined")["member"]["operatorMuted"], true);
  ASSERT_EQ(hub.set_operator_muted(1001, "xB", false).result,
            signalling::SignallingHub::OperatorResult::Done);
  EXPECT_EQ(a.link->last()["operatorMuted"], false);
  const auto view = hub.channel_view(1001);
  ASSERT_TRUE(view);
  for (const auto& member : view->members) EXPECT_FALSE(member.operator_muted);
}

TEST_F(SignallingTest, AnEmptiedChannelForgetsItsOperatorMutes) {
  auto a = joined("xA", "pa", kC1);
  hub.set_operator_muted(1001, "xA", true);
  a.send({{"type", "leave"}});
  EXPECT_FALSE(hub.channel_view(1001));
  a.send({{"type", "join"}, {"channel", kC1}});
  EXPECT_EQ(a.link->last()["self"]["operatorMuted"], false);
}

TEST_F(SignallingTest, CloseTellsEveryoneAndEndsTheCall) {
  auto a = joined("xA", "pa", kC1);
  auto b = joined("xB", "pb", kC1);
  auto c = joined("xC", "pc", kC2);
  const auto closed = hub.close(1001, kC1);
  EXPECT_EQ(closed.members.size(), 2u);
  for (auto* client : {&a, &b}) {
    EXPECT_EQ(client->link->last()["type"], "removed");
    EXPECT_EQ(client->link->last()["reason"], "closed");
    EXPECT_FALSE(client->link->last().contains("retryAfter"));
  }
  EXPECT_EQ(c.link->last()["type"], "joined");  // another channel is untouched
  const auto channels = hub.channels();
  ASSERT_EQ(channels.size(), 1u);
  EXPECT_EQ(channels[0].channel, 1002);
  // A closed channel may be joined again: a new call.
  a.send({{"type", "join"}, {"channel", kC1}});
  EXPECT_EQ(a.link->last()["type"], "joined");
  EXPECT_TRUE(a.link->last()["members"].empty());
}

TEST_F(ForwardingSwitchTest, OperatorMuteSilencesTheMemberInTheForwarding) {
  auto a = joined("xA", "pa", kC1);
  auto b = joined("xB", "pb", kC1);
  auto c = joined("xC", "pc", kC1);  // three: forwarded
  ASSERT_EQ(hub.forwarding(1001), core::ForwardingMode::Sfu);
  hub.set_operator_muted(1001, "xC", true);
  EXPECT_EQ(sfu.count("silence " + c.session->member_id() + " 1"), 1u);
  hub.set_operator_muted(1001, "xC", false);
  EXPECT_EQ(sfu.count("silence " + c.session->member_id() + " 0"), 1u);
  // Muted while a mesh, then forwarded: the SFU learns it when the channel switches.
  b.send({{"type", "leave"}});
  c.send({{"type", "leave"}});
  ASSERT_EQ(hub.forwarding(1001), core::ForwardingMode::Mesh);
  hub.set_operator_muted(1001, "xA", true);
  EXPECT_EQ(sfu.count("silence " + a.session->member_id() + " 1"), 0u);
  b.send({{"type", "join"}, {"channel", kC1}});
  c.send({{"type", "join"}, {"channel", kC1}});
  ASSERT_EQ(hub.forwarding(1001), core::ForwardingMode::Sfu);
  EXPECT_EQ(sfu.count("silence " + a.session->member_id() + " 1"), 1u);
  // Kicking a forwarded member takes it out of the forwarding.
  const auto left_before = sfu.count("leave " + b.session->member_id());
  hub.kick(1001, kC1, "xB", after(0), std::chrono::seconds(60));
  EXPECT_EQ(sfu.count("leave " + b.session->member_id()), left_before + 1);
}

TEST(RejoinCooldown, EndsAndStaysBounded) {
  signalling::RejoinCooldown cooldown;
  cooldown.note(1, "xA", after(0), after(10));
  EXPECT_EQ(cooldown.remaining(1, "xA", after(0.5)), std::chrono::seconds(10));
  EXPECT_EQ(cooldown.remaining(1, "xA", after(9.1)), std::chrono::seconds(1));
  EXPECT_FALSE(cooldown.remaining(1, "xA", after(10)));
  EXPECT_FALSE(cooldown.remaining(2, "xA", after(1)));
  cooldown.note(1, "xA", after(1), after(5));  // never shortened
  EXPECT_EQ(cooldown.remaining(1, "xA", after(6)), std::chrono::seconds(4));
  for (std::size_t i = 0; i < signalling::RejoinCooldown::kMaxEntries + 50; ++i) {
    cooldown.note(2, "x" + std::to_string(i), after(1), after(100 + static_cast<double>(i)));
  }
  EXPECT_EQ(cooldown.size(), signalling::RejoinCooldown::kMaxEntries);
  // The newest is kept; the one closest to its end made room.
  EXPECT_TRUE(cooldown.remaining(
      2, "x" + std::to_string(signalling::RejoinCooldown::kMaxEntries + 49), after(2)));
  EXPECT_FALSE(cooldown.remaining(2, "x0", after(2)));
}
