// Who is announced to whom in one viewer voice room (shared/spec/viewer-webrtc.md §4.2,
// §6.2 "Emit the roster", §2.5). Pure: sessions, their data channels and joins, and the
// mixer's speech levels go in; the SLData messages to send, per session, come out. No clock:
// levels carry the time.
//
// Words:
//   session  one viewer connection (viewer_session) of one agent in this room. An agent may
//            hold several (one per region it is near; a replaced connection for a moment).
//   counts   a session stands for its agent in this room: it has joined, and in a spatial
//            room its latest join said "p":true (this region is the agent's own). Neighbour
//            connections ("j":{} without p) are mic-muted by the viewer and do not count.
//   present  an agent with at least one counting session. The mixer mixes only these.
//   ready    a session whose data channel is open and that counts: it is told the roster.
//
// Rules:
//   1. Nothing is sent to a session before its channel opens (earlier messages are lost).
//   2. A session is sent {"<own agent>":{"V":"<server_version>"}} once, when its channel
//      opens (Firestorm shows it; the SL viewer ignores it).
//   3. A ready session is told {"<agent>":{"j":{"p":true}}} once for each present agent other
//      than its own (the viewer adds itself), and again only after an "l". When it becomes
//      ready it is told everyone present; a newcomer is told to every ready session when it
//      becomes present. An agent speaking at that moment gets its "p"/"v" in the same entry.
//      Multiagent rooms announce the same way: this server is the only one for the room.
//   4. When an agent stops being present (its last counting session leaves, or turns
//      non-primary with a "j" without p), every session it was announced to gets "l":true.
//   5. While a session does not count (never joined, or non-primary now), it is told nobody
//      new; what it was told before stays true: it still gets "p"/"v" and "l" for the agents
//      announced to it. When it counts again it is told who it missed.
//   6. "p"/"v" for a present agent go to the sessions it was announced to: on every change of
//      v, and while v is true at most once per level_interval, when p changed. Such level
//      changes go in rounds, at most one per level_interval for the room, so the speakers'
//      levels reach a listener in one message. An agent the mixer does not list in a tick is
//      silent (p 0, v false).
// Messages from one event to one session are batched into one text (split after
// max_agents_per_message agents).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "viewer/sl_data_update.hpp"

namespace webvox::viewer {

struct RosterConfig {
  bool spatial = true;  // local (region/parcel) room; false for multiagent
  std::chrono::milliseconds level_interval{100};
  std::string server_version;  // sent as "V", e.g. "webvox 0.1.0"; empty: not sent
  std::size_t max_agents_per_message = 64;
};

// One SLData text message for one session's data channel.
struct RosterMessage {
  std::string session;
  std::string text;

  friend bool operator==(const RosterMessage&, const RosterMessage&) = default;
};

// One speaker in one mixer tick: its speech level 0..1 and whether it is speaking.
struct SpeakerLevel {
  std::string agent_id;
  double level = 0;
  bool voice = false;
};

class Roster {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Roster(RosterConfig config);

  // A new session of `agent_id`; false (and nothing changes) if the id is already in use.
  bool add_session(std::string session, std::string agent_id);
  std::vector<RosterMessage> channel_opened(std::string_view session);
  // A "j" from the session (primary: it carried "p":true).
  std::vector<RosterMessage> joined(std::string_view session, bool primary);
  // A parsed SLData message from the session: only its "j" matters here.
  std::vector<RosterMessage> message_received(std::string_view session, const SlDataUpdate& update);
  // One mixer tick's levels; agents that are not present are ignored, an agent listed twice
  // counts with its loudest level and speaks if any entry does.
  std::vector<RosterMessage> levels(std::span<const SpeakerLevel> levels, Clock::time_point now);
  std::vector<RosterMessage> remove_session(std::string_view session);

  bool has_session(std::string_view session) const;
  // Whether the session stands for its agent here: only these sessions' audio is mixed.
  bool counts(std::string_view session) const;
  bool is_present(std::string_view agent_id) const;
  std::vector<std::string> present_agents() const;
  std::size_t session_count() const { return sessions_.size(); }

 private:
  // A set of agent indices as bits: a session in a room of n agents holds n/8 bytes, not n
  // strings (at 270 viewers the strings were 34 KiB of every session).
  class AgentSet {
   public:
    bool contains(std::size_t index) const {
      return index / 64 < words_.size() && (words_[index / 64] >> (index % 64) & 1) != 0;
    }
    bool insert(std::size_t index) {
      if (index / 64 >= words_.size()) words_.resize(index / 64 + 1);
      const std::uint64_t bit = std::uint64_t{1} << (index % 64);
      const bool added = (words_[index / 64] & bit) == 0;
      words_[index / 64] |= bit;
      return added;
    }
    bool erase(std::size_t index) {
      if (!contains(index)) return false;
      words_[index / 64] &= ~(std::uint64_t{1} << (index % 64));
      return true;
    }

   private:
    std::vector<std::uint64_t> words_;
  };
  struct Session {
    std::string agent;
    bool open = false;
    bool joined = false;
    bool primary = false;
    bool version_sent = false;
    AgentSet announced;  // agents this session was told about, by Agent::index
  };
  struct Agent {
    std::size_t index = 0;  // its bit in every Session::announced while it is present
    int counting_sessions = 0;
    bool voice = false;
    int power = 0;
    std::optional<Clock::time_point> last_sent;
  };
  class Outbox;

  bool counts(const Session& session) const;
  bool ready(const Session& session) const { return session.open && counts(session); }
  void count_in(Session& session, const std::string& id, Outbox& out);
  void count_out(const Session& session, Outbox& out);
  void announce_everyone_to(const std::string& id, Session& session, Outbox& out);
  void announce_to_everyone(const std::string& agent, Outbox& out);

  RosterConfig config_;
  std::map<std::string, Session, std::less<>> sessions_;
  std::map<std::string, Agent, std::less<>> agents_;   // present agents only
  std::optional<Clock::time_point> last_level_round_;  // the last tick that sent level changes
  std::vector<std::size_t> free_indices_;              // of agents no longer present, reused first
  std::size_t next_index_ = 0;
};

}  // namespace webvox::viewer
