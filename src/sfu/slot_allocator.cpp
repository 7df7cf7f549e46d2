#include "sfu/slot_allocator.hpp"

#include <algorithm>
#include <unordered_map>

namespace webvox::sfu {
SlotAllocator::CandidateIndex SlotAllocator::index_of(std::span<const SlotCandidate> candidates) {
  CandidateIndex index;
  for (const auto& candidate : candidates) index.emplace(candidate.speaker, &candidate);
  return index;
}

SlotAllocator::SlotAllocator(Settings settings)
    : settings_(settings), occupants_(settings.slots), tenure_(settings.slots) {}

std::optional<std::size_t> SlotAllocator::slot_of(const std::string& speaker) const {
  const auto it = std::find(occupants_.begin(), occupants_.end(), speaker);
  if (it == occupants_.end()) return std::nullopt;
  return static_cast<std::size_t>(it - occupants_.begin());
}

void SlotAllocator::assign(std::size_t slot, std::optional<std::string> speaker, double now,
                           std::vector<Change>& changes) {
  changes.push_back({slot, occupants_[slot], speaker});
  occupants_[slot] = std::move(speaker);
  tenure_[slot].since = now;
}

std::optional<std::size_t> SlotAllocator::weakest_displaceable(const CandidateIndex& index,
                                                                double challenger_level,
                                                                double now) const {
  std::optional<std::size_t> quiet_longest;
  std::optional<std::size_t> weakest;
  for (std::size_t slot = 0; slot < occupants_.size(); ++slot) {
    const auto& occupant = index.at(*occupants_[slot]);  // all occupants are candidates here
    if (occupant->silent_for > settings_.hold_seconds) {
      if (!quiet_longest || occupant->silent_for > index.at(*occupants_[*quiet_longest])->silent_for) {
        quiet_longest = slot;
      }
      continue;
    }
    // A pause between words is not a chance to take the slot: only a talking occupant can be
    // outshouted.
    if (occupant->silent_for >= settings_.silence_seconds) continue;
    const bool settled = now - tenure_[slot].since >= settings_.min_tenure_seconds;
    const bool outshouted = challenger_level > occupant->level_dbov + settings_.switch_margin_db;
    if (settled && outshouted &&
        (!weakest || occupant->level_dbov < index.at(*occupants_[*weakest])->level_dbov)) {
      weakest = slot;
    }
  }
  return quiet_longest ? quiet_longest : weakest;
}

std::vector<SlotAllocator::Change> SlotAllocator::update(
    std::span<const SlotCandidate> candidates, double now) {
  std::vector<Change> changes;
  const auto index = index_of(candidates);
  // No longer a candidate means no longer allowed to be heard: out at once.
  for (std::size_t slot = 0; slot < occupants_.size(); ++slot) {
    if (occupants_[slot] && !index.contains(*occupants_[slot])) {
      assign(slot, std::nullopt, now, changes);
    }
  }
  std::vector<const SlotCandidate*> waiting;
  for (const auto& candidate : candidates) {
    if (candidate.silent_for < settings_.silence_seconds && !slot_of(candidate.speaker)) {
      waiting.push_back(&candidate);
    }
  }
  std::sort(waiting.begin(), waiting.end(), [](const auto* a, const auto* b) {
    return a->level_dbov != b->level_dbov ? a->level_dbov > b->level_dbov : a->speaker < b->speaker;
  });
  for (const auto* challenger : waiting) {
    const auto empty = std::find(occupants_.begin(), occupants_.end(), std::nullopt);
    if (empty != occupants_.end()) {
      assign(static_cast<std::size_t>(empty - occupants_.begin()), challenger->speaker, now, changes);
      continue;
    }
    const auto slot = weakest_displaceable(index, challenger->level_dbov, now);
    // Quieter challengers cannot win where a louder one could not.
    if (!slot) break;
    assign(*slot, challenger->speaker, now, changes);
  }
  return changes;
}

}  // namespace webvox::sfu
