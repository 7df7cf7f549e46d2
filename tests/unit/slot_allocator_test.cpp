// Which speakers a listener's receive slots carry: loudest first, without flapping.
#include <gtest/gtest.h>

#include "sfu/audio_level_tracker.hpp"
#include "sfu/slot_allocator.hpp"

using namespace webvox::sfu;

namespace {

using webvox::base::Seconds;
using webvox::base::SteadyTime;

// `seconds` after an arbitrary start of the steady clock.
SteadyTime at(double seconds) { return SteadyTime{} + webvox::base::to_steady(Seconds(seconds)); }

SlotCandidate talking(std::string id, double level) { return {std::move(id), level, Seconds(0)}; }
SlotCandidate quiet(std::string id, double silent_for) {
  return {std::move(id), -127, Seconds(silent_for)};
}

SlotAllocator::Settings two_slots() {
  SlotAllocator::Settings settings;
  settings.slots = 2;
  return settings;
}

std::vector<std::optional<std::string>> occupants(const SlotAllocator& allocator) {
  return allocator.slots();
}

using Slots = std::vector<std::optional<std::string>>;

}  // namespace

TEST(SlotAllocator, FillsFreeSlotsLoudestFirst) {
  SlotAllocator allocator(two_slots());
  const std::vector<SlotCandidate> candidates{talking("a", -40), talking("b", -20),
                                              talking("c", -30)};
  const auto changes = allocator.update(candidates, at(0));
  EXPECT_EQ(occupants(allocator), (Slots{"b", "c"}));
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].slot, 0u);
  EXPECT_EQ(changes[0].previous, std::nullopt);
  EXPECT_EQ(changes[0].next, "b");
  EXPECT_TRUE(allocator.update(candidates, at(0.05)).empty());  // stable: nothing to tell
}

TEST(SlotAllocator, SilentSpeakersDoNotTakeSlots) {
  SlotAllocator allocator(two_slots());
  const std::vector<SlotCandidate> candidates{quiet("a", 10), talking("b", -30)};
  allocator.update(candidates, at(0));
  EXPECT_EQ(occupants(allocator), (Slots{"b", std::nullopt}));
}

TEST(SlotAllocator, OutOfRangeSpeakersLoseTheirSlotAtOnce) {
  SlotAllocator allocator(two_slots());
  allocator.update(std::vector{talking("a", -20), talking("b", -20)}, at(0));
  const auto changes = allocator.update(std::vector{talking("b", -20)}, at(0.02));
  EXPECT_EQ(occupants(allocator), (Slots{std::nullopt, "b"}));
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].previous, "a");
  EXPECT_EQ(changes[0].next, std::nullopt);
}

TEST(SlotAllocator, ATalkingOccupantKeepsItsSlotAgainstASlightlyLouderOne) {
  SlotAllocator allocator(two_slots());
  allocator.update(std::vector{talking("a", -30), talking("b", -32)}, at(0));
  // c is louder, but by less than the 6 dB margin: no flapping.
  allocator.update(std::vector{talking("a", -30), talking("b", -32), talking("c", -28)}, at(5));
  EXPECT_EQ(occupants(allocator), (Slots{"a", "b"}));
}

TEST(SlotAllocator, AMuchLouderSpeakerDisplacesTheWeakestSettledOccupant) {
  SlotAllocator allocator(two_slots());
  allocator.update(std::vector{talking("a", -30), talking("b", -40)}, at(0));
  // Too soon: b has had its slot for less than the minimum tenure.
  allocator.update(std::vector{talking("a", -30), talking("b", -40), talking("c", -10)}, at(0.5));
  EXPECT_EQ(occupants(allocator), (Slots{"a", "b"}));
  const auto changes = allocator.update(
      std::vector{talking("a", -30), talking("b", -40), talking("c", -10)}, at(1.5));
  EXPECT_EQ(occupants(allocator), (Slots{"a", "c"}));
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].previous, "b");
}

TEST(SlotAllocator, APauseBetweenWordsKeepsTheSlotALongSilenceGivesItUp) {
  SlotAllocator allocator(two_slots());
  allocator.update(std::vector{talking("a", -30), talking("b", -30)}, at(0));
  // a pauses for a second: within the hold time, a quieter newcomer cannot take its slot.
  allocator.update(std::vector{quiet("a", 1.0), talking("b", -30), talking("c", -35)}, at(10));
  EXPECT_EQ(occupants(allocator), (Slots{"a", "b"}));
  allocator.update(std::vector{quiet("a", 2.0), talking("b", -30), talking("c", -35)}, at(11));
  EXPECT_EQ(occupants(allocator), (Slots{"c", "b"}));
}

TEST(SlotAllocator, TheLongestSilentOccupantGoesFirst) {
  SlotAllocator allocator(two_slots());
  allocator.update(std::vector{talking("a", -30), talking("b", -30)}, at(0));
  allocator.update(std::vector{quiet("a", 3), quiet("b", 9), talking("c", -50)}, at(10));
  EXPECT_EQ(occupants(allocator), (Slots{"a", "c"}));
}

TEST(SlotAllocator, ManySpeakersNeverOverfillOrDuplicate) {
  SlotAllocator::Settings settings;
  settings.slots = 8;
  SlotAllocator allocator(settings);
  for (int tick = 0; tick < 200; ++tick) {
    std::vector<SlotCandidate> candidates;
    for (int s = 0; s < 30; ++s) {
      const bool speaks = (s * 7 + tick) % 11 < 4;
      candidates.push_back(speaks ? talking("s" + std::to_string(s), -20 - (s * 13 + tick) % 40)
                                  : quiet("s" + std::to_string(s), (tick % 5) * 0.7));
    }
    allocator.update(candidates, at(tick * 0.05));
    std::vector<std::string> seen;
    for (const auto& occupant : allocator.slots()) {
      if (!occupant) continue;
      EXPECT_EQ(std::count(seen.begin(), seen.end(), *occupant), 0) << "duplicate " << *occupant;
      seen.push_back(*occupant);
    }
    EXPECT_EQ(allocator.slots().size(), 8u);
  }
}

TEST(AudioLevelTracker, SmoothsLevelsAndRemembersVoice) {
  AudioLevelTracker tracker;
  EXPECT_EQ(tracker.level_dbov(), -127);
  EXPECT_GT(tracker.silent_for(at(0)), Seconds(1e6));
  for (int i = 0; i < 50; ++i) tracker.on_packet(20, at(i * 0.02));  // -20 dBov for a second
  EXPECT_NEAR(tracker.level_dbov(), -20, 0.1);
  EXPECT_NEAR(tracker.silent_for(at(1.0)).count(), 0.02, 1e-9);
  tracker.on_packet(127, at(1.0));  // one silent packet moves the average only partly
  EXPECT_GT(tracker.level_dbov(), -50);
  for (int i = 0; i < 50; ++i) tracker.on_packet(127, at(1.0 + i * 0.02));
  EXPECT_LT(tracker.level_dbov(), -120);
  EXPECT_NEAR(tracker.silent_for(at(2.0)).count(), 1.02, 1e-9);
  tracker.on_packet(300, at(2.0));  // out of range values are clamped, not trusted
  EXPECT_GE(tracker.level_dbov(), -127);
}

TEST(SlotAllocator, WithoutTenureOrMarginEveryChallengerTakesItsTurnLoudestFirst) {
  // Settings where one slot can change hands again within one update: every waiting speaker
  // must still be tried in loudness order, not only the few the allocator orders first.
  SlotAllocator::Settings settings;
  settings.slots = 1;
  settings.min_tenure = Seconds(0);
  settings.switch_margin_db = -100;  // anyone outshouts anyone
  SlotAllocator allocator(settings);
  const std::vector<SlotCandidate> candidates{talking("d", -50), talking("a", -10),
                                              talking("c", -40), talking("b", -20)};
  const auto changes = allocator.update(candidates, at(0));
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[0].next, "a");
  EXPECT_EQ(changes[1].next, "b");
  EXPECT_EQ(changes[2].next, "c");
  EXPECT_EQ(changes[3].next, "d");
  EXPECT_EQ(occupants(allocator), (Slots{"d"}));
}
