// What the server sends a viewer on `SLData` (shared/spec/viewer-webrtc.md §4.2): one JSON
// object keyed by agent UUID, each value holding any of
//   "j": {"p": true}   joined (p: this server is the agent's primary server)
//   "l": true          left
//   "p": 0..127        speech level, level × 128 ("int8 as int")
//   "v": bool          voice activity (the speaking indicator)
//   "m": bool          moderator-muted
//   "V": "<version>"   the server version, read only from the entry for the viewer's own agent
// The viewer iterates the object, so one message may carry several agents. A batch collects
// entries for one listener and writes them once.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace webvox::viewer {

inline constexpr int kMaxPower = 127;

// A speech level 0..1 as the viewer's "p" (level × 128, at most 127; NaN counts as 0).
int power_of_level(double level);

class SlDataBatch {
 public:
  // Setting a field again overwrites it; an agent's fields all go into one entry.
  void join(std::string_view agent, bool primary);
  void leave(std::string_view agent);
  void power(std::string_view agent, int power, bool voice);  // power clamped to 0..127
  void moderator_muted(std::string_view agent, bool muted);
  void version(std::string_view agent, std::string_view version);

  bool empty() const { return entries_.empty(); }
  std::size_t agents() const { return entries_.size(); }

  // The whole batch as one message; "{}" when empty.
  std::string text() const;
  // The batch cut into messages of at most `max_agents` entries each (at least one), in
  // agent order; nothing when empty.
  std::vector<std::string> texts(std::size_t max_agents) const;

 private:
  struct Entry {
    std::optional<bool> join_primary;
    bool leave = false;
    std::optional<int> power;
    std::optional<bool> voice;
    std::optional<bool> moderator_muted;
    std::optional<std::string> version;
  };
  Entry& entry(std::string_view agent);

  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace webvox::viewer
