#include "rtc/stun/packet_classifier.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "rfc5769_vectors.hpp"

namespace webvox::rtc::stun {
namespace {

std::vector<std::uint8_t> packet_starting_with(std::uint8_t first) {
  std::vector<std::uint8_t> packet(24, 0);
  packet[0] = first;
  return packet;
}

TEST(PacketClassifier, RecognisesStunByItsCookie) {
  EXPECT_EQ(classify_packet(rfc5769::kRequest), PacketKind::Stun);
  EXPECT_EQ(classify_packet(rfc5769::kIpv6Response), PacketKind::Stun);
  EXPECT_EQ(classify_packet(packet_starting_with(0)), PacketKind::Unknown);  // no cookie
  EXPECT_EQ(classify_packet(std::span(rfc5769::kRequest).first(19)), PacketKind::Unknown);
}

TEST(PacketClassifier, SplitsFirstBytesAsRfc7983Says) {
  struct Case {
    std::uint8_t first;
    PacketKind kind;
  };
  for (const auto& [first, kind] :
       {Case{4, PacketKind::Unknown}, Case{19, PacketKind::Unknown}, Case{20, PacketKind::Dtls},
        Case{22, PacketKind::Dtls}, Case{63, PacketKind::Dtls}, Case{64, PacketKind::Unknown},
        Case{127, PacketKind::Unknown}, Case{128, PacketKind::Rtp}, Case{0x90, PacketKind::Rtp},
        Case{191, PacketKind::Rtp}, Case{192, PacketKind::Unknown},
        Case{255, PacketKind::Unknown}}) {
    EXPECT_EQ(classify_packet(packet_starting_with(first)), kind) << int{first};
  }
}

TEST(PacketClassifier, EmptyIsUnknown) { EXPECT_EQ(classify_packet({}), PacketKind::Unknown); }

}  // namespace
}  // namespace webvox::rtc::stun
