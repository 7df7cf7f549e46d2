// The roster against a reference model, over random event sequences: whatever order sessions
// appear, open, join, turn primary or not, speak and leave in, each session's viewer (modelled
// as the SL viewer parses SLData) ends every event knowing exactly the present agents other
// than its own while it counts (a subset of them while it does not), never gets a second j
// or an l for someone it was not told about, never hears before its channel opens, and shows
// every speaker's current voice activity.
#include "viewer/roster.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace webvox::viewer {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const std::vector<std::string> kAgents = {
    "a1a1a1a1-0000-4000-8000-000000000001", "b0b0b0b0-0000-4000-8000-00000000000b",
    "c0c0c0c0-0000-4000-8000-00000000000c", "d0d0d0d0-0000-4000-8000-00000000000d"};
constexpr std::string_view kVersion = "webvox test";
constexpr auto kInterval = 100ms;

struct ModelSession {
  std::string agent;
  bool open = false;
  bool joined = false;
  bool primary = false;
};

struct Heard {
  bool voice = false;
  Roster::Clock::time_point at{};
};

struct ModelViewer {
  std::set<std::string> view;
  std::map<std::string, Heard> speech;  // last p/v per agent in view
  int versions = 0;
};

class Model {
 public:
  explicit Model(bool spatial) : spatial_(spatial) {}

  bool counts(const ModelSession& s) const { return s.joined && (s.primary || !spatial_); }

  std::set<std::string> present() const {
    std::set<std::string> agents;
    for (const auto& [id, s] : sessions_) {
      if (counts(s)) agents.insert(s.agent);
    }
    return agents;
  }

  std::map<std::string, ModelSession> sessions_;
  std::map<std::string, ModelViewer> viewers_;
  std::map<std::string, bool> voice_;  // current voice activity of present agents
  bool spatial_;
};

class RosterProperty : public ::testing::TestWithParam<int> {};

void deliver(Model& model, const std::vector<RosterMessage>& messages,
             Roster::Clock::time_point now, std::string& trace) {
  for (const auto& message : messages) {
    trace += "  -> " + message.session + " " + message.text + "\n";
    const auto session = model.sessions_.find(message.session);
    ASSERT_NE(session, model.sessions_.end()) << "message to a session that is gone\n" << trace;
    ASSERT_TRUE(session->second.open) << "message before the channel opened\n" << trace;
    const json parsed = json::parse(message.text, nullptr, false);
    ASSERT_TRUE(parsed.is_object()) << trace;
    ASSERT_FALSE(parsed.empty()) << "empty message\n" << trace;
    auto& viewer = model.viewers_[message.session];
    for (const auto& [agent, entry] : parsed.items()) {
      ASSERT_TRUE(entry.is_object()) << trace;
      if (entry.contains("V")) {
        ASSERT_EQ(agent, session->second.agent) << "V for another agent\n" << trace;
        ASSERT_EQ(entry["V"], kVersion) << trace;
        ++viewer.versions;
        ASSERT_EQ(viewer.versions, 1) << "V twice\n" << trace;
      }
      if (entry.contains("j")) {
        ASSERT_NE(agent, session->second.agent) << "own agent announced\n" << trace;
        ASSERT_TRUE(model.counts(session->second)) << "j to a session that does not count\n"
                                                   << trace;
        ASSERT_EQ(entry["j"], json::parse(R"({"p":true})")) << trace;
        ASSERT_TRUE(viewer.view.insert(agent).second) << "duplicate j\n" << trace;
        viewer.speech[agent] = Heard{};
      }
      if (entry.contains("l")) {
        ASSERT_EQ(entry["l"], true) << trace;
        ASSERT_FALSE(entry.contains("j")) << trace;
        ASSERT_EQ(viewer.view.erase(agent), 1u) << "l without j\n" << trace;
        viewer.speech.erase(agent);
      }
      ASSERT_EQ(entry.contains("p"), entry.contains("v")) << trace;
      if (entry.contains("v")) {
        ASSERT_TRUE(viewer.view.contains(agent)) << "speech about an agent not announced\n"
                                                 << trace;
        ASSERT_TRUE(entry["p"].is_number_integer()) << trace;
        ASSERT_GE(entry["p"].get<int>(), 0) << trace;
        ASSERT_LE(entry["p"].get<int>(), 127) << trace;
        const bool voice = entry["v"].get<bool>();
        auto& heard = viewer.speech[agent];
        if (voice && heard.voice && !entry.contains("j")) {
          ASSERT_GE(now - heard.at, kInterval) << "speech sent faster than the interval\n" << trace;
        }
        // A j resets what the viewer knows of the agent: the next update may come at once.
        heard = Heard{voice, entry.contains("j") ? Roster::Clock::time_point{} : now};
      }
    }
  }
}

void check(const Model& model, std::string& trace) {
  const auto present = model.present();
  for (const auto& [id, session] : model.sessions_) {
    auto expected = present;
    expected.erase(session.agent);
    const auto viewer = model.viewers_.find(id);
    const std::set<std::string> none;
    const auto& view = viewer == model.viewers_.end() ? none : viewer->second.view;
    if (session.open && model.counts(session)) {
      ASSERT_EQ(view, expected) << "a ready session's view is not the present agents\n" << trace;
    } else {
      for (const auto& agent : view) {
        ASSERT_TRUE(expected.contains(agent)) << "stale agent in a view\n" << trace;
      }
    }
    if (viewer == model.viewers_.end()) continue;
    for (const auto& agent : view) {
      const auto voice = model.voice_.find(agent);
      const bool speaking = voice != model.voice_.end() && voice->second;
      const auto heard = viewer->second.speech.find(agent);
      const bool shown = heard != viewer->second.speech.end() && heard->second.voice;
      ASSERT_EQ(shown, speaking) << id << " shows the wrong voice activity for " << agent << "\n"
                                 << trace;
    }
  }
}

TEST_P(RosterProperty, ViewsFollowPresenceWhateverTheOrder) {
  std::mt19937 random(static_cast<unsigned>(GetParam()));
  const bool spatial = GetParam() % 3 != 0;
  RosterConfig config;
  config.spatial = spatial;
  config.level_interval = kInterval;
  config.server_version = std::string(kVersion);
  config.max_agents_per_message = 1 + GetParam() % 3;
  Roster roster(config);
  Model model(spatial);
  auto now = Roster::Clock::time_point{} + 1h;
  int next_id = 0;
  std::string trace = spatial ? "spatial room\n" : "multiagent room\n";

  const auto pick_session = [&]() -> std::string {
    if (model.sessions_.empty()) return "none";
    auto it = model.sessions_.begin();
    std::advance(it,
                 std::uniform_int_distribution<std::size_t>(0, model.sessions_.size() - 1)(random));
    return it->first;
  };

  for (int step = 0; step < 250; ++step) {
    const int kind = std::uniform_int_distribution<int>(0, 9)(random);
    std::vector<RosterMessage> out;
    if (kind <= 1 || model.sessions_.empty()) {
      const auto id = "s" + std::to_string(next_id++);
      const auto& agent =
          kAgents[std::uniform_int_distribution<std::size_t>(0, kAgents.size() - 1)(random)];
      trace += "add " + id + " " + agent.substr(0, 2) + "\n";
      ASSERT_TRUE(roster.add_session(id, agent));
      model.sessions_[id] = ModelSession{agent};
    } else if (kind == 2) {
      const auto id = pick_session();
      trace += "open " + id + "\n";
      out = roster.channel_opened(id);
      model.sessions_[id].open = true;
    } else if (kind <= 4) {
      const auto id = pick_session();
      const bool primary = std::uniform_int_distribution<int>(0, 3)(random) != 0;
      trace += "join " + id + (primary ? " p\n" : "\n");
      out = roster.joined(id, primary);
      model.sessions_[id].joined = true;
      model.sessions_[id].primary = primary;
    } else if (kind <= 7) {
      now += std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 60)(random));
      std::vector<SpeakerLevel> levels;
      for (const auto& agent : kAgents) {
        if (std::uniform_int_distribution<int>(0, 2)(random) == 0) continue;
        const double level = std::uniform_real_distribution<double>(0, 1)(random);
        levels.push_back({agent, level, level > 0.3});
      }
      trace += "levels (" + std::to_string(levels.size()) + ")\n";
      out = roster.levels(levels, now);
      model.voice_.clear();
      const auto present = model.present();
      for (const auto& agent : present) {
        bool voice = false;
        for (const auto& level : levels) voice = voice || (level.agent_id == agent && level.voice);
        model.voice_[agent] = voice;
      }
    } else {
      const auto id = pick_session();
      trace += "remove " + id + "\n";
      out = roster.remove_session(id);
      model.sessions_.erase(id);
      model.viewers_.erase(id);
    }
    // Agents that stopped being present are silent when they come back.
    const auto present = model.present();
    std::erase_if(model.voice_, [&](const auto& entry) { return !present.contains(entry.first); });
    deliver(model, out, now, trace);
    if (HasFatalFailure()) return;
    check(model, trace);
    if (HasFatalFailure()) return;
    ASSERT_EQ(roster.session_count(), model.sessions_.size());
    for (const auto& agent : kAgents) {
      ASSERT_EQ(roster.is_present(agent), present.contains(agent)) << trace;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, RosterProperty, ::testing::Range(1, 121));

}  // namespace
}  // namespace webvox::viewer
