#include "viewer/roster.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace webvox::viewer {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kAlice = "a1a1a1a1-0000-4000-8000-000000000001";
constexpr const char* kBob = "b0b0b0b0-0000-4000-8000-00000000000b";
constexpr const char* kCarol = "c0c0c0c0-0000-4000-8000-00000000000c";

std::string j(const char* agent) { return std::string(R"({")") + agent + R"(":{"j":{"p":true}}})"; }
std::string l(const char* agent) { return std::string(R"({")") + agent + R"(":{"l":true}})"; }

RosterConfig spatial_config() {
  RosterConfig config;
  config.spatial = true;
  config.server_version = "webvox 9.9";
  return config;
}

// A session that opened its channel and joined as the viewer does on its own region: "j":{}
// on open, "j":{"p":true} on the next state-machine tick.
void connect(Roster& roster, const std::string& session, const char* agent) {
  ASSERT_TRUE(roster.add_session(session, agent));
  roster.channel_opened(session);
  roster.joined(session, false);
  roster.joined(session, true);
}

// All messages to one session, merged into one object (the viewer handles them in order; no
// test here sends one agent twice to one session in one event).
json to(const std::vector<RosterMessage>& messages, const std::string& session) {
  json merged = json::object();
  for (const auto& message : messages) {
    if (message.session != session) continue;
    const json parsed = json::parse(message.text);
    for (const auto& [agent, entry] : parsed.items()) merged[agent] = entry;
  }
  return merged;
}

TEST(Roster, VersionGoesOnceToTheOwnAgentWhenTheChannelOpens) {
  Roster roster(spatial_config());
  ASSERT_TRUE(roster.add_session("s-alice", kAlice));
  EXPECT_EQ(roster.channel_opened("s-alice"),
            (std::vector<RosterMessage>{
                {"s-alice", std::string(R"({")") + kAlice + R"(":{"V":"webvox 9.9"}})"}}));
  EXPECT_TRUE(roster.channel_opened("s-alice").empty());

  Roster quiet(RosterConfig{});
  ASSERT_TRUE(quiet.add_session("s", kAlice));
  EXPECT_TRUE(quiet.channel_opened("s").empty());
}

TEST(Roster, SpatialListenerIsToldTheRoomOnItsPrimaryJoin) {
  Roster roster(spatial_config());
  connect(roster, "s-alice", kAlice);
  ASSERT_TRUE(roster.add_session("s-bob", kBob));
  roster.channel_opened("s-bob");
  // The first join, without p: Bob's viewer is still deciding; neither side hears of the other.
  EXPECT_TRUE(roster.joined("s-bob", false).empty());
  EXPECT_FALSE(roster.is_present(kBob));
  EXPECT_FALSE(roster.counts("s-bob"));

  const auto messages = roster.joined("s-bob", true);
  EXPECT_EQ(messages, (std::vector<RosterMessage>{{"s-alice", j(kBob)}, {"s-bob", j(kAlice)}}));
  EXPECT_TRUE(roster.is_present(kBob));
  EXPECT_TRUE(roster.counts("s-bob"));
  EXPECT_EQ(roster.present_agents(), (std::vector<std::string>{kAlice, kBob}));
  // A repeated primary join changes nothing: every j goes once.
  EXPECT_TRUE(roster.joined("s-bob", true).empty());
}

TEST(Roster, MultiagentRoomsCountAnyJoin) {
  RosterConfig config;
  config.spatial = false;
  Roster roster(config);
  ASSERT_TRUE(roster.add_session("s-alice", kAlice));
  roster.channel_opened("s-alice");
  EXPECT_TRUE(roster.joined("s-alice", false).empty());
  EXPECT_TRUE(roster.is_present(kAlice));
  ASSERT_TRUE(roster.add_session("s-bob", kBob));
  roster.channel_opened("s-bob");
  EXPECT_EQ(roster.joined("s-bob", false),
            (std::vector<RosterMessage>{{"s-alice", j(kBob)}, {"s-bob", j(kAlice)}}));
  // A later "p":true changes nothing in a room with one server.
  EXPECT_TRUE(roster.joined("s-bob", true).empty());
}

TEST(Roster, NothingIsSentBeforeTheChannelOpens) {
  Roster roster(spatial_config());
  connect(roster, "s-alice", kAlice);
  ASSERT_TRUE(roster.add_session("s-bob", kBob));
  // A join cannot really arrive before the channel opens (it comes over it); if the edge
  // reports them in that order, Bob still hears nothing until the channel is open.
  const auto joined = roster.joined("s-bob", true);
  EXPECT_EQ(joined, (std::vector<RosterMessage>{{"s-alice", j(kBob)}}));
  const auto opened = roster.channel_opened("s-bob");
  EXPECT_EQ(to(opened, "s-bob"),
            json::parse(std::string(R"({")") + kBob + R"(":{"V":"webvox 9.9"},")" + kAlice +
                        R"(":{"j":{"p":true}}})"));
  EXPECT_EQ(opened.size(), 1u);  // V and the roster in one message
}

TEST(Roster, AnAgentIsNeverAnnouncedToItself) {
  Roster roster(spatial_config());
  ASSERT_TRUE(roster.add_session("s-alice", kAlice));
  roster.channel_opened("s-alice");
  EXPECT_TRUE(roster.joined("s-alice", true).empty());
  // A second connection of Alice's (a replacement arriving before the old one is gone).
  ASSERT_TRUE(roster.add_session("s-alice-2", kAlice));
  roster.channel_opened("s-alice-2");
  EXPECT_TRUE(roster.joined("s-alice-2", true).empty());
}

TEST(Roster, AnAgentWithSeveralSessionsAppearsOnceAndLeavesWithItsLast) {
  Roster roster(spatial_config());
  connect(roster, "s-alice", kAlice);
  ASSERT_TRUE(roster.add_session("s-bob-1", kBob));
  roster.channel_opened("s-bob-1");
  EXPECT_EQ(to(roster.joined("s-bob-1", true), "s-alice"), json::parse(j(kBob)));
  ASSERT_TRUE(roster.add_session("s-bob-2", kBob));
  roster.channel_opened("s-bob-2");
  const auto second = roster.joined("s-bob-2", true);
  // Alice hears nothing new; the new session is told about Alice.
  EXPECT_EQ(second, (std::vector<RosterMessage>{{"s-bob-2", j(kAlice)}}));
  EXPECT_TRUE(roster.remove_session("s-bob-1").empty());
  EXPECT_TRUE(roster.is_present(kBob));
  EXPECT_EQ(roster.remove_session("s-bob-2"), (std::vector<RosterMessage>{{"s-alice", l(kBob)}}));
  EXPECT_FALSE(roster.is_present(kBob));
  EXPECT_EQ(roster.session_count(), 1u);
}

TEST(Roster, NeighbourConnectionsDoNotMakeTheirAgentPresent) {
  Roster roster(spatial_config());
  connect(roster, "s-alice", kAlice);
  // Bob stands in the next region; his viewer also connects here, never as primary.
  ASSERT_TRUE(roster.add_session("s-bob", kBob));
  roster.channel_opened("s-bob");
  EXPECT_TRUE(roster.joined("s-bob", false).empty());
  EXPECT_FALSE(roster.is_present(kBob));
  EXPECT_TRUE(roster.remove_session("s-bob").empty());  // no l for someone never announced
}

TEST(Roster, LeavesGoOnlyWhereTheJoinWent) {
  Roster roster(spatial_config());
  connect(roster, "s-alice", kAlice);
  connect(roster, "s-bob", kBob);
  ASSERT_TRUE(roster.add_session("s-carol", kCarol));  // channel never opens
  roster.joined("s-carol", true);
  const auto gone = roster.remove_session("s-alice");
  EXPECT_EQ(gone, (std::vector<RosterMessage>{{"s-bob", l(kAlice)}}));
  // Alice again: Bob is told again (an l resets what he was told); Carol still nothing.
  connect(roster, "s-alice", kAlice);
  EXPECT_EQ(roster.remove_session("s-carol"),
            (std::vector<RosterMessage>{{"s-alice", l(kCarol)}, {"s-bob", l(kCarol)}}));
}

// What a session was told is kept per agent; an agent that left makes room for the next one
// (its place is reused), which must be announced like anybody new, to everyone.
TEST(Roster, ANewcomerAfterALeaverIsToldToEveryone) {
  Roster roster(spatial_config());
  connect(roster, "s-alice", kAlice);
  connect(roster, "s-bob", kBob);
  EXPECT_EQ(roster.remove_session("s-bob"), (std::vector<RosterMessage>{{"s-alice", l(kBob)}}));
  ASSERT_TRUE(roster.add_session("s-carol", kCarol));
  roster.channel_opened("s-carol");
  roster.joined("s-carol", false);
  const auto joined = roster.joined("s-carol", true);
  EXPECT_EQ(to(joined, "s-alice"), json::parse(j(kCarol)));
  EXPECT_EQ(to(joined, "s-carol"), json::parse(j(kAlice)));
  // Carol leaving again tells Alice (and only Alice): the reused place was hers.
  EXPECT_EQ(roster.remove_session("s-carol"), (std::vector<RosterMessage>{{"s-alice", l(kCarol)}}));
  connect(roster, "s-bob", kBob);
  EXPECT_EQ(roster.remove_session("s-alice"), (std::vector<RosterMessage>{{"s-bob", l(kAlice)}}));
}

// Rule 4 and 5: a session that turns non-primary (its agent walked into the next region)
// stops counting: its agent leaves this room's roster; the session is told nobody new, but
// what it knows stays true; when it is primary again it catches up.
TEST(Roster, TurningNonPrimaryLeavesAndTurningBackRejoins) {
  Roster roster(spatial_config());
  connect(roster, "s-alice", kAlice);
  connect(roster, "s-bob", kBob);
  const auto t0 = Roster::Clock::time_point{} + 1h;

  EXPECT_EQ(roster.joined("s-bob", false), (std::vector<RosterMessage>{{"s-alice", l(kBob)}}));
  EXPECT_FALSE(roster.is_present(kBob));
  EXPECT_FALSE(roster.counts("s-bob"));

  // Carol arrives while Bob is away: Bob's session is not told.
  ASSERT_TRUE(roster.add_session("s-carol", kCarol));
  roster.channel_opened("s-carol");
  const auto carol = roster.joined("s-carol", true);
  EXPECT_EQ(to(carol, "s-bob"), json::object());
  EXPECT_EQ(to(carol, "s-alice"), json::parse(j(kCarol)));

  // Alice speaks: Bob's session still hears about her (she was announced to it).
  const std::vector<SpeakerLevel> alice_speaks{{kAlice, 0.5, true}};
  const auto speech = roster.levels(alice_speaks, t0);
  EXPECT_EQ(to(speech, "s-bob"),
            json::parse(std::string(R"({")") + kAlice + R"(":{"p":64,"v":true}})"));

  // Back to primary: everyone hears of Bob again, Bob hears of Carol (with Alice's speech
  // state nothing new: he knows her already).
  const auto back = roster.joined("s-bob", true);
  EXPECT_EQ(to(back, "s-bob"), json::parse(j(kCarol)));
  EXPECT_EQ(to(back, "s-alice"), json::parse(j(kBob)));
  EXPECT_EQ(to(back, "s-carol"), json::parse(j(kBob)));
}

TEST(Roster, SpeechGoesOnEveryChangeAndAtMostEveryIntervalWhileSpeaking) {
  Roster roster(spatial_config());
  connect(roster, "s-alice", kAlice);
  connect(roster, "s-bob", kBob);
  ASSERT_TRUE(roster.add_session("s-carol", kCarol));  // joined, channel closed: never told
  roster.joined("s-carol", true);
  const auto t0 = Roster::Clock::time_point{} + 1h;
  const auto speech = [](const char* agent, int p, bool v) {
    return std::string(R"({")") + agent + R"(":{"p":)" + std::to_string(p) + R"(,"v":)" +
           (v ? "true" : "false") + "}}";
  };

  // Silence: nothing.
  EXPECT_TRUE(roster.levels({}, t0).empty());
  const std::vector<SpeakerLevel> quiet{{kAlice, 0.1, false}};
  EXPECT_TRUE(roster.levels(quiet, t0).empty());

  // Alice starts: to Bob only (her own viewer shows its own dot; Carol's channel is closed).
  const std::vector<SpeakerLevel> loud{{kAlice, 0.5, true}};
  EXPECT_EQ(roster.levels(loud, t0),
            (std::vector<RosterMessage>{{"s-bob", speech(kAlice, 64, true)}}));
  // Same level: nothing. A new level within 100 ms: nothing; at 100 ms: sent.
  EXPECT_TRUE(roster.levels(loud, t0 + 20ms).empty());
  const std::vector<SpeakerLevel> louder{{kAlice, 0.75, true}};
  EXPECT_TRUE(roster.levels(louder, t0 + 80ms).empty());
  EXPECT_EQ(roster.levels(louder, t0 + 100ms),
            (std::vector<RosterMessage>{{"s-bob", speech(kAlice, 96, true)}}));
  // Stopping is a change: sent at once, whatever the interval. Missing from the tick = silent.
  EXPECT_EQ(roster.levels({}, t0 + 120ms),
            (std::vector<RosterMessage>{{"s-bob", speech(kAlice, 0, false)}}));
  // Starting again at once is a change too.
  EXPECT_EQ(roster.levels(louder, t0 + 140ms),
            (std::vector<RosterMessage>{{"s-bob", speech(kAlice, 96, true)}}));

  // A listener arriving while Alice speaks gets her join and her speech in one entry.
  ASSERT_TRUE(roster.add_session("s-dave", "d0d0d0d0-0000-4000-8000-00000000000d"));
  roster.channel_opened("s-dave");
  roster.joined("s-dave", false);
  const auto dave = roster.joined("s-dave", true);
  EXPECT_EQ(to(dave, "s-dave")[kAlice], json::parse(R"({"j":{"p":true},"p":96,"v":true})"));
  EXPECT_EQ(to(dave, "s-dave")[kBob], json::parse(R"({"j":{"p":true}})"));
}

TEST(Roster, LevelIntervalIsConfigurableAndLevelsGoInRounds) {
  RosterConfig config = spatial_config();
  config.level_interval = 250ms;
  Roster roster(config);
  connect(roster, "s-alice", kAlice);
  connect(roster, "s-bob", kBob);
  const auto t0 = Roster::Clock::time_point{} + 1h;
  EXPECT_EQ(roster.levels(std::vector<SpeakerLevel>{{kAlice, 0.5, true}}, t0).size(), 1u);
  EXPECT_EQ(
      roster.levels(std::vector<SpeakerLevel>{{kAlice, 0.5, true}, {kBob, 0.2, true}}, t0 + 100ms)
          .size(),
      1u);
  EXPECT_TRUE(
      roster.levels(std::vector<SpeakerLevel>{{kAlice, 0.6, true}, {kBob, 0.2, true}}, t0 + 200ms)
          .empty());
  const auto due =
      roster.levels(std::vector<SpeakerLevel>{{kAlice, 0.6, true}, {kBob, 0.3, true}}, t0 + 250ms);
  EXPECT_EQ(due, (std::vector<RosterMessage>{
                     {"s-bob", std::string(R"({")") + kAlice + R"(":{"p":77,"v":true}})"}}));
  // Bob's change was due at 350 ms by his own interval; it waits for the room's next round
  // at 500 ms, and goes in one message with Alice's.
  EXPECT_TRUE(
      roster.levels(std::vector<SpeakerLevel>{{kAlice, 0.6, true}, {kBob, 0.4, true}}, t0 + 350ms)
          .empty());
  const auto round =
      roster.levels(std::vector<SpeakerLevel>{{kAlice, 0.7, true}, {kBob, 0.4, true}}, t0 + 500ms);
  ASSERT_EQ(round.size(), 2u);  // one message to each of the two sessions
  EXPECT_EQ(to(round, "s-alice"),
            json::parse(std::string(R"({")") + kBob + R"(":{"p":51,"v":true}})"));
  EXPECT_EQ(to(round, "s-bob"),
            json::parse(std::string(R"({")") + kAlice + R"(":{"p":90,"v":true}})"));
}

TEST(Roster, EachListenerHearsTheLevelsOfThoseItKnowsExceptItself) {
  Roster roster(spatial_config());
  connect(roster, "s-alice", kAlice);
  connect(roster, "s-bob", kBob);
  connect(roster, "s-carol", kCarol);
  connect(roster, "s-dave", "d0d0d0d0-0000-4000-8000-00000000000d");
  const auto t0 = Roster::Clock::time_point{} + 1h;
  const auto round =
      roster.levels(std::vector<SpeakerLevel>{{kAlice, 0.5, true}, {kBob, 0.25, true}}, t0);
  ASSERT_EQ(round.size(), 4u);  // one message to each session
  const auto alice_p = json::parse(R"({"p":64,"v":true})");
  const auto bob_p = json::parse(R"({"p":32,"v":true})");
  EXPECT_EQ(to(round, "s-alice"), (json{{kBob, bob_p}}));
  EXPECT_EQ(to(round, "s-bob"), (json{{kAlice, alice_p}}));
  EXPECT_EQ(to(round, "s-carol"), (json{{kAlice, alice_p}, {kBob, bob_p}}));
  EXPECT_EQ(to(round, "s-dave"), to(round, "s-carol"));
}

TEST(Roster, LevelsOfAgentsNotPresentAreIgnoredAndDuplicatesMerge) {
  Roster roster(spatial_config());
  connect(roster, "s-alice", kAlice);
  connect(roster, "s-bob", kBob);
  const auto t0 = Roster::Clock::time_point{} + 1h;
  const std::vector<SpeakerLevel> stranger{{kCarol, 0.9, true}};
  EXPECT_TRUE(roster.levels(stranger, t0).empty());
  const std::vector<SpeakerLevel> twice{
      {kAlice, 0.2, false}, {kAlice, 0.5, true}, {kAlice, 0.1, false}};
  EXPECT_EQ(roster.levels(twice, t0),
            (std::vector<RosterMessage>{
                {"s-bob", std::string(R"({")") + kAlice + R"(":{"p":64,"v":true}})"}}));
}

TEST(Roster, UnknownSessionsAndDuplicateIdsChangeNothing) {
  Roster roster(spatial_config());
  ASSERT_TRUE(roster.add_session("s", kAlice));
  EXPECT_FALSE(roster.add_session("s", kBob));
  EXPECT_TRUE(roster.channel_opened("nobody").empty());
  EXPECT_TRUE(roster.joined("nobody", true).empty());
  EXPECT_TRUE(roster.remove_session("nobody").empty());
  EXPECT_FALSE(roster.counts("nobody"));
  EXPECT_FALSE(roster.has_session("nobody"));
  EXPECT_TRUE(roster.has_session("s"));
  EXPECT_EQ(roster.session_count(), 1u);
}

TEST(Roster, MessagesFromTheChannelCarryTheJoin) {
  Roster roster(spatial_config());
  connect(roster, "s-alice", kAlice);
  ASSERT_TRUE(roster.add_session("s-bob", kBob));
  roster.channel_opened("s-bob");
  SlDataUpdate position;
  position.speaker_position = core::Vec3{1, 2, 3};
  EXPECT_TRUE(roster.message_received("s-bob", position).empty());
  SlDataUpdate join;
  join.join = SlDataJoin{true};
  EXPECT_EQ(roster.message_received("s-bob", join).size(), 2u);
}

TEST(Roster, LargeRostersAreSplitIntoSeveralMessages) {
  RosterConfig config = spatial_config();
  config.max_agents_per_message = 2;
  Roster roster(config);
  for (int i = 0; i < 5; ++i) {
    char agent[40];
    std::snprintf(agent, sizeof agent, "00000000-0000-4000-8000-%012d", i + 1);
    connect(roster, "s" + std::to_string(i), agent);
  }
  ASSERT_TRUE(roster.add_session("late", kAlice));
  roster.channel_opened("late");
  const auto messages = roster.joined("late", true);
  std::size_t to_late = 0;
  for (const auto& message : messages) to_late += message.session == "late";
  EXPECT_EQ(to_late, 3u);  // 5 agents, 2 per message
  EXPECT_EQ(to(messages, "late").size(), 5u);
}

}  // namespace
}  // namespace webvox::viewer
