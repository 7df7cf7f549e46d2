#include "addon_room.hpp"

#include <gtest/gtest.h>

namespace webvox::load {
namespace {

// The figures of tests/viewer-emulator/simulator.py (the addon's arithmetic, checked there
// against Janus and shared/spec/viewer-webrtc.md correction 5).
TEST(AddonRoom, TheEstateRoomOfTheReferenceRegion) {
  EXPECT_EQ(local_room_number("11111111-2222-3333-4444-555555555555"), 1948305907);
  EXPECT_EQ(local_room_number("11111111-2222-3333-4444-555555555555", kEstateParcel), 1948305907);
  EXPECT_EQ(local_room_description("11111111-2222-3333-4444-555555555555"),
            "11111111-2222-3333-4444-555555555555/local/-999");
}

TEST(AddonRoom, TheRegionIsHashedInLowerCase) {
  EXPECT_EQ(local_room_number("11111111-2222-3333-4444-555555555AAA"),
            local_room_number("11111111-2222-3333-4444-555555555aaa"));
}

TEST(AddonRoom, ParcelsHaveRoomsOfTheirOwn) {
  EXPECT_EQ(local_room_number("11111111-2222-3333-4444-555555555555", 12), 1948463191);
}

TEST(AddonRoom, ParticipantIdsFromTheGuidLayout) {
  // simulator.participant_id: halves from uuid.bytes_le, XOR, absolute value.
  EXPECT_EQ(participant_id("10ad0000-0000-4000-8000-000000000001"), 4683743612745089152u);
  EXPECT_EQ(participant_id("a1b2c3d4-e5f6-4789-9abc-def012345678"), 4602628122744749902u);
  EXPECT_EQ(participant_id("ffffffff-0000-0000-0000-000000000001"), 72057598332895231u);
  EXPECT_FALSE(participant_id("not a uuid"));
}

}  // namespace
}  // namespace webvox::load
