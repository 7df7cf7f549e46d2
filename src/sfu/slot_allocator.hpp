#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/steady_time.hpp"

namespace webvox::sfu {

// A speaker a listener could receive: in range and holding the floor (core::decide_hearing),
// with its current loudness (AudioLevelTracker).
struct SlotCandidate {
  std::string speaker;
  double level_dbov = -127;
  base::Seconds silent_for = base::Seconds::max();  // since its last voiced packet
};

// Maps the speakers one listener hears onto that listener's fixed receive slots, loudest
// first, with hysteresis so slots do not flap: a speaker keeps its slot while it talks and for
// `hold` of silence after; a newcomer displaces an occupant only when it is louder by
// `switch_margin_db` and the occupant has had its slot for `min_tenure`. Speakers that
// are no longer candidates (out of range, floor taken) lose their slot at once: they must
// not be heard. Pure: the forwarding edge calls update() on each decision tick.
class SlotAllocator {
 public:
  struct Settings {
    std::size_t slots = 8;
    base::Seconds hold{1.5};
    double switch_margin_db = 6;
    base::Seconds min_tenure{1.0};
    base::Seconds silence{0.5};  // a candidate silent this long does not get a slot
  };
  struct Change {
    std::size_t slot;
    std::optional<std::string> previous;
    std::optional<std::string> next;
  };

  explicit SlotAllocator(Settings settings);

  // The slot changes since the last call, for telling the client who is on which slot.
  std::vector<Change> update(std::span<const SlotCandidate> candidates, base::SteadyTime now);

  const std::vector<std::optional<std::string>>& slots() const { return occupants_; }
  std::optional<std::size_t> slot_of(const std::string& speaker) const;

 private:
  struct Tenure {
    base::SteadyTime since;
  };

  void assign(std::size_t slot, std::optional<std::string> speaker, base::SteadyTime now,
              std::vector<Change>& changes);
  // `occupant_candidates[slot]`: the candidate occupying each slot.
  std::optional<std::size_t> weakest_displaceable(
      std::span<const SlotCandidate* const> occupant_candidates, double challenger_level,
      base::SteadyTime now) const;

  Settings settings_;
  std::vector<std::optional<std::string>> occupants_;
  std::vector<Tenure> tenure_;
};

}  // namespace webvox::sfu
