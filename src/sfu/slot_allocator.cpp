#include "sfu/slot_allocator.hpp"

#include <algorithm>

namespace webvox::sfu {
SlotAllocator::SlotAllocator(Settings settings)
    : settings_(settings), occupants_(settings.slots), tenure_(settings.slots) {}

std::optional<std::size_t> SlotAllocator::slot_of(const std::string& speaker) const {
  const auto it = std::find(occupants_.begin(), occupants_.end(), speaker);
  if (it == occupants_.end()) return std::nullopt;
  return static_cast<std::size_t>(it - occupants_.begin());
}

void SlotAllocator::assign(std::size_t slot, std::optional<std::string> speaker,
                           base::SteadyTime now, std::vector<Change>& changes) {
  changes.push_back({slot, occupants_[slot], speaker});
  occupants_[slot] = std::move(speaker);
  tenure_[slot].since = now;
}

std::optional<std::size_t> SlotAllocator::weakest_displaceable(
    std::span<const SlotCandidate* const> occupant_candidates, double challenger_level,
    base::SteadyTime now) const {
  std::optional<std::size_t> quiet_longest;
  std::optional<std::size_t> weakest;
  for (std::size_t slot = 0; slot < occupants_.size(); ++slot) {
    const auto* occupant = occupant_candidates[slot];  // all occupants are candidates here
    if (occupant->silent_for > settings_.hold) {
      if (!quiet_longest ||
          occupant->silent_for > occupant_candidates[*quiet_longest]->silent_for) {
        quiet_longest = slot;
      }
      continue;
    }
    // A pause between words is not a chance to take the slot: only a talking occupant can be
    // outshouted.
    if (occupant->silent_for >= settings_.silence) continue;
    const bool settled = now - tenure_[slot].since >= settings_.min_tenure;
    const bool outshouted = challenger_level > occupant->level_dbov + settings_.switch_margin_db;
    if (settled && outshouted &&
        (!weakest || occupant->level_dbov < occupant_candidates[*weakest]->level_dbov)) {
      weakest = slot;
    }
  }
  return quiet_longest ? quiet_longest : weakest;
}

std::vector<SlotAllocator::Change> SlotAllocator::update(std::span<const SlotCandidate> candidates,
                                                         base::SteadyTime now) {
  std::vector<Change> changes;
  // One pass: which candidate each occupant is, and who is waiting for a slot. A listener has
  // a handful of slots and may hear hundreds of speakers, so nothing here is per pair.
  std::vector<const SlotCandidate*> occupant_candidates(occupants_.size(), nullptr);
  std::vector<const SlotCandidate*> waiting;
  for (const auto& candidate : candidates) {
    if (const auto slot = slot_of(candidate.speaker)) {
      occupant_candidates[*slot] = &candidate;
    } else if (candidate.silent_for < settings_.silence) {
      waiting.push_back(&candidate);
    }
  }
  // No longer a candidate means no longer allowed to be heard: out at once.
  for (std::size_t slot = 0; slot < occupants_.size(); ++slot) {
    if (occupants_[slot] && !occupant_candidates[slot]) assign(slot, std::nullopt, now, changes);
  }
  const auto louder = [](const SlotCandidate* a, const SlotCandidate* b) {
    return a->level_dbov != b->level_dbov ? a->level_dbov > b->level_dbov : a->speaker < b->speaker;
  };
  // Each slot changes hands at most once per update, and the loop stops at the first
  // challenger that cannot win: only the loudest few need ordering.
  std::size_t ordered = std::min(waiting.size(), occupants_.size() + 1);
  std::partial_sort(waiting.begin(), waiting.begin() + static_cast<std::ptrdiff_t>(ordered),
                    waiting.end(), louder);
  for (std::size_t i = 0; i < waiting.size(); ++i) {
    if (i == ordered) {  // only with settings where a slot may change twice: order the rest
      std::sort(waiting.begin() + static_cast<std::ptrdiff_t>(i), waiting.end(), louder);
      ordered = waiting.size();
    }
    const auto* challenger = waiting[i];
    const auto empty = std::find(occupants_.begin(), occupants_.end(), std::nullopt);
    if (empty != occupants_.end()) {
      const auto slot = static_cast<std::size_t>(empty - occupants_.begin());
      assign(slot, challenger->speaker, now, changes);
      occupant_candidates[slot] = challenger;
      continue;
    }
    const auto slot = weakest_displaceable(occupant_candidates, challenger->level_dbov, now);
    // Quieter challengers cannot win where a louder one could not.
    if (!slot) break;
    assign(*slot, challenger->speaker, now, changes);
    occupant_candidates[*slot] = challenger;
  }
  return changes;
}

}  // namespace webvox::sfu
