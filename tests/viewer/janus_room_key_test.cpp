// Janus room descriptions (as both addon versions write them) to viewer voice rooms.
#include "viewer/janus_room_key.hpp"

#include <gtest/gtest.h>

namespace webvox::viewer {
namespace {

constexpr std::string_view kRegion = "11111111-2222-3333-4444-555555555555";

TEST(JanusRoomKey, OpenSimEstateRoom) {
  const auto key = janus_room_key(1948305907, std::string(kRegion) + "/local/-999", true);
  EXPECT_EQ(key.id, std::string(kRegion) + "/local/-999");
  EXPECT_TRUE(key.spatial);
  EXPECT_EQ(key.region_id, std::string(kRegion));
  EXPECT_FALSE(key.parcel_local_id.has_value());
}

TEST(JanusRoomKey, OpenSimParcelRoomWithUpperCaseRegion) {
  const auto key =
      janus_room_key(5, "AAAAAAAA-2222-3333-4444-555555555555/local/17", /*spatial_audio=*/false);
  EXPECT_EQ(key.id, "aaaaaaaa-2222-3333-4444-555555555555/local/17");
  EXPECT_TRUE(key.spatial);  // a local room is spatial whatever the flag said
  EXPECT_EQ(key.region_id, "aaaaaaaa-2222-3333-4444-555555555555");
  EXPECT_EQ(key.parcel_local_id, 17);
}

TEST(JanusRoomKey, MisterblueLocalRoomsCarryAnEmptyChannel) {
  const auto estate = janus_room_key(1, std::string(kRegion) + "/local/-999/", true);
  EXPECT_EQ(estate.id, std::string(kRegion) + "/local/-999");
  EXPECT_FALSE(estate.parcel_local_id.has_value());
  const auto parcel = janus_room_key(2, std::string(kRegion) + "/local/3/", true);
  EXPECT_EQ(parcel.id, std::string(kRegion) + "/local/3");
  EXPECT_EQ(parcel.parcel_local_id, 3);
}

TEST(JanusRoomKey, SameRoomFromBothAddons) {
  EXPECT_EQ(janus_room_key(1, std::string(kRegion) + "/local/12", true),
            janus_room_key(99, std::string(kRegion) + "/local/12/", true));
}

TEST(JanusRoomKey, GroupRooms) {
  const std::string grid = "0f0e0d0c-0b0a-0908-0706-050403020100";
  const auto os = janus_room_key(3, grid + "/multiagent/", false);
  EXPECT_EQ(os.id, grid + "/multiagent/");
  EXPECT_FALSE(os.spatial);
  EXPECT_FALSE(os.region_id.has_value());
  const auto with_channel = janus_room_key(3, grid + "/multiagent/sip:confctl-abc@webrtc", true);
  EXPECT_EQ(with_channel.id, grid + "/multiagent/sip:confctl-abc@webrtc");
  EXPECT_FALSE(with_channel.spatial);
  // [MB]: the creating region and a parcel come first; only the channel names the room, so
  // every region's creator names the same room.
  const auto mb = janus_room_key(4, std::string(kRegion) + "/multiagent/-999/chan/x", true);
  EXPECT_EQ(mb.id, "/multiagent/chan/x");
  EXPECT_FALSE(mb.spatial);
  EXPECT_EQ(janus_room_key(4, "22222222-2222-3333-4444-555555555555/multiagent/-999/chan/x", true),
            mb);
}

TEST(JanusRoomKey, AnythingElseIsAJanusOnlyRoom) {
  for (const auto* description :
       {"", "lobby", "a/b", "not-a-uuid/local/-999", "11111111-2222-3333-4444-555555555555/local/x",
        "11111111-2222-3333-4444-555555555555/local/2147483648",
        "11111111-2222-3333-4444-555555555555/local/007",
        "11111111-2222-3333-4444-555555555555/local/-0",
        "11111111-2222-3333-4444-555555555555/local/1/2/3",
        "11111111-2222-3333-4444-555555555555/estate/1"}) {
    const auto spatial = janus_room_key(42, description, true);
    EXPECT_EQ(spatial.id, "janus/42") << description;
    EXPECT_TRUE(spatial.spatial);
    EXPECT_FALSE(spatial.region_id.has_value());
    EXPECT_FALSE(janus_room_key(42, description, false).spatial);
  }
  EXPECT_EQ(janus_room_key(18446744073709551615ULL, "x", false).id, "janus/18446744073709551615");
}

TEST(JanusRoomKey, ParcelBoundsAreCSharpInts) {
  EXPECT_EQ(janus_room_key(1, std::string(kRegion) + "/local/2147483647", true).parcel_local_id,
            2147483647);
  EXPECT_EQ(janus_room_key(1, std::string(kRegion) + "/local/-2147483648", true).parcel_local_id,
            -2147483647 - 1);
}

}  // namespace
}  // namespace webvox::viewer
