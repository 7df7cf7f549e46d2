// webvox's SRTP against libsrtp2 (the implementation browsers' stacks derive from) in both
// directions, for both profiles: RTP with CSRCs and header extensions, RTCP, sequence number
// wraps on several SSRCs, reordering, replays, tampering and wrong keys.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "libsrtp_oracle.hpp"
#include "rtc/srtp/srtp_session.hpp"

using namespace webvox::rtc;
using webvox::rtc::testing::LibsrtpOracle;
using Direction = SrtpSession::Direction;
using Bytes = std::vector<std::uint8_t>;

namespace {

enum class Extension { None, OneByte, TwoByte };

struct RtpShape {
  std::uint32_t ssrc = 0x11223344;
  std::uint16_t sequence = 1;
  std::size_t csrc_count = 0;
  Extension extension = Extension::None;
  std::size_t payload_size = 100;
};

Bytes rtp_packet(const RtpShape& shape) {
  Bytes packet{static_cast<std::uint8_t>(0x80 | shape.csrc_count |
                                         (shape.extension != Extension::None ? 0x10 : 0)),
               111,
               static_cast<std::uint8_t>(shape.sequence >> 8),
               static_cast<std::uint8_t>(shape.sequence),
               0x00,
               0x01,
               0xE2,
               0x40};
  for (int shift = 24; shift >= 0; shift -= 8) {
    packet.push_back(static_cast<std::uint8_t>(shape.ssrc >> shift));
  }
  for (std::size_t csrc = 0; csrc < shape.csrc_count; ++csrc) {
    packet.insert(packet.end(), {0xC5, 0x00, 0x00, static_cast<std::uint8_t>(csrc)});
  }
  if (shape.extension == Extension::OneByte) {
    // RFC 8285: audio level (id 1, one byte) and a three-byte element (id 3), padded to words.
    packet.insert(packet.end(), {0xBE, 0xDE, 0x00, 0x02, 0x10, 0x85, 0x32, 0xAA, 0xBB, 0xCC, 0, 0});
  } else if (shape.extension == Extension::TwoByte) {
    packet.insert(packet.end(), {0x10, 0x00, 0x00, 0x02, 0x01, 0x03, 0x11, 0x22, 0x33, 0, 0, 0});
  }
  for (std::size_t at = 0; at < shape.payload_size; ++at) {
    packet.push_back(static_cast<std::uint8_t>(at * 31 + shape.sequence));
  }
  return packet;
}

// A sender report with `blocks` report blocks (RFC 3550 §6.4.1).
Bytes rtcp_packet(std::uint32_t ssrc, std::size_t blocks) {
  const std::size_t words = 6 + 6 * blocks;
  Bytes packet{static_cast<std::uint8_t>(0x80 | blocks), 200, 0, static_cast<std::uint8_t>(words)};
  for (int shift = 24; shift >= 0; shift -= 8)
    packet.push_back(static_cast<std::uint8_t>(ssrc >> shift));
  for (std::size_t at = 0; at < words * 4 - 4; ++at) {
    packet.push_back(static_cast<std::uint8_t>(at * 13 + blocks));
  }
  return packet;
}

std::size_t length_of(const SrtpResult& result) {
  if (!result) {
    ADD_FAILURE() << "SRTP error " << static_cast<int>(result.error());
    return 0;
  }
  return *result;
}

Bytes protect(SrtpSession& session, Bytes packet, bool rtcp = false) {
  const auto length = packet.size();
  packet.resize(length + SrtpSession::kMaxTrailer);
  packet.resize(
      length_of(rtcp ? session.protect_rtcp(packet, length) : session.protect_rtp(packet, length)));
  return packet;
}

// The plaintext, or the error.
using Opened = webvox::base::Expected<Bytes, SrtpError>;

Opened unprotect(SrtpSession& session, Bytes packet, bool rtcp = false) {
  const auto result = rtcp ? session.unprotect_rtcp(packet) : session.unprotect_rtp(packet);
  if (!result) return webvox::base::unexpected(result.error());
  packet.resize(*result);
  return packet;
}

SrtpError error_of(const Opened& result) {
  if (!result) return result.error();
  ADD_FAILURE() << "expected an error";
  return SrtpError::Failed;
}

SrtpMasterKey master_key(SrtpProfile profile, std::uint8_t seed) {
  SrtpMasterKey key;
  for (int at = 0; at < 16; ++at) key.key.push_back(static_cast<std::uint8_t>(seed + at * 17));
  const int salt_size = profile == SrtpProfile::AeadAes128Gcm ? 12 : 14;
  for (int at = 0; at < salt_size; ++at)
    key.salt.push_back(static_cast<std::uint8_t>(seed ^ (at * 29)));
  return key;
}

class SrtpInterop : public ::testing::TestWithParam<SrtpProfile> {
 protected:
  SrtpProfile profile() const { return GetParam(); }
  SrtpMasterKey key() const { return master_key(profile(), 0x5a); }
  std::size_t tag_size() const { return profile() == SrtpProfile::AeadAes128Gcm ? 16 : 10; }
};

RtpShape varied_shape(std::size_t payload_size, std::uint16_t sequence) {
  RtpShape shape;
  shape.sequence = sequence;
  shape.payload_size = payload_size;
  shape.csrc_count = payload_size % 4;
  shape.extension = static_cast<Extension>(payload_size % 3);
  return shape;
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(BothProfiles, SrtpInterop,
                         ::testing::Values(SrtpProfile::AeadAes128Gcm,
                                           SrtpProfile::Aes128CmSha1_80),
                         [](const auto& info) {
                           return info.param == SrtpProfile::AeadAes128Gcm ? "AesGcm"
                                                                           : "AesCmHmacSha1";
                         });

// Same packets, same state: webvox's output must be libsrtp's byte for byte, and libsrtp must
// read it back.
TEST_P(SrtpInterop, OursProtectsExactlyAsLibsrtpAndLibsrtpUnprotects) {
  SrtpSession ours(profile(), key(), Direction::Outbound);
  LibsrtpOracle reference(profile(), key(), /*inbound=*/false);
  LibsrtpOracle receiver(profile(), key(), /*inbound=*/true);
  for (std::size_t payload = 0; payload <= 1200; ++payload) {
    const auto plain = rtp_packet(varied_shape(payload, static_cast<std::uint16_t>(payload + 1)));
    const auto secured = protect(ours, plain);
    ASSERT_EQ(secured.size(), plain.size() + tag_size());
    ASSERT_EQ(secured, reference.protect_rtp(plain)) << "payload " << payload;
    ASSERT_EQ(receiver.unprotect_rtp(secured), plain) << "payload " << payload;
  }
}

TEST_P(SrtpInterop, LibsrtpProtectsAndOursUnprotects) {
  LibsrtpOracle sender(profile(), key(), /*inbound=*/false);
  SrtpSession ours(profile(), key(), Direction::Inbound);
  for (std::size_t payload = 0; payload <= 1200; ++payload) {
    const auto plain = rtp_packet(varied_shape(payload, static_cast<std::uint16_t>(payload + 1)));
    const auto secured = sender.protect_rtp(plain);
    const auto opened = unprotect(ours, secured);
    ASSERT_TRUE(opened.has_value()) << "payload " << payload;
    ASSERT_EQ(opened.value(), plain) << "payload " << payload;
  }
}

TEST_P(SrtpInterop, RtcpBothWays) {
  SrtpSession ours_out(profile(), key(), Direction::Outbound);
  SrtpSession ours_in(profile(), key(), Direction::Inbound);
  LibsrtpOracle libsrtp_out(profile(), key(), false);
  LibsrtpOracle libsrtp_in(profile(), key(), true);
  for (std::size_t blocks = 0; blocks <= 31; ++blocks) {
    for (std::uint32_t ssrc : {0x01020304u, 0xfffffffeu}) {
      const auto plain = rtcp_packet(ssrc, blocks);
      const auto secured = protect(ours_out, plain, /*rtcp=*/true);
      ASSERT_EQ(secured.size(), plain.size() + tag_size() + 4);
      EXPECT_EQ(secured[secured.size() - (profile() == SrtpProfile::AeadAes128Gcm ? 4 : 14)] & 0x80,
                0x80);  // the E flag: encrypted
      ASSERT_EQ(libsrtp_in.unprotect_rtcp(secured), plain) << blocks;

      const auto from_libsrtp = libsrtp_out.protect_rtcp(plain);
      const auto opened = unprotect(ours_in, from_libsrtp, /*rtcp=*/true);
      ASSERT_TRUE(opened.has_value()) << blocks;
      ASSERT_EQ(opened.value(), plain);
      EXPECT_EQ(error_of(unprotect(ours_in, from_libsrtp, true)), SrtpError::Replayed);
    }
  }
}

// Several SSRCs interleaved, each crossing 65535 -> 0 (ROC 0 -> 1) at a different point.
TEST_P(SrtpInterop, SequenceWrapOnSeveralSsrcs) {
  SrtpSession ours_out(profile(), key(), Direction::Outbound);
  SrtpSession ours_in(profile(), key(), Direction::Inbound);
  LibsrtpOracle libsrtp_out(profile(), key(), false);
  LibsrtpOracle libsrtp_in(profile(), key(), true);
  const std::uint32_t ssrcs[] = {0xA0000001, 0xB0000002, 0xC0000003};
  const std::uint16_t first[] = {65500, 65535, 65000};
  for (int step = 0; step < 700; ++step) {
    for (int stream = 0; stream < 3; ++stream) {
      RtpShape shape;
      shape.ssrc = ssrcs[stream];
      shape.sequence = static_cast<std::uint16_t>(first[stream] + step);
      shape.extension = Extension::OneByte;
      shape.payload_size = 60 + step % 50;
      const auto plain = rtp_packet(shape);
      const auto ours = protect(ours_out, plain);
      const auto theirs = libsrtp_out.protect_rtp(plain);
      ASSERT_EQ(ours, theirs) << "stream " << stream << " step " << step;
      ASSERT_EQ(libsrtp_in.unprotect_rtp(ours), plain);
      const auto opened = unprotect(ours_in, theirs);
      ASSERT_TRUE(opened.has_value()) << "stream " << stream << " step " << step;
      ASSERT_EQ(opened.value(), plain);
    }
  }
}

TEST_P(SrtpInterop, ReorderingWithinTheWindowIsAcceptedAndReplaysAreNot) {
  LibsrtpOracle sender(profile(), key(), false);
  SrtpSession ours(profile(), key(), Direction::Inbound);
  // Across a wrap: 65400 .. 65535, 0 .. 263.
  std::vector<Bytes> secured;
  std::vector<Bytes> plain;
  for (int step = 0; step < 400; ++step) {
    RtpShape shape;
    shape.sequence = static_cast<std::uint16_t>(65400 + step);
    plain.push_back(rtp_packet(shape));
    secured.push_back(sender.protect_rtp(plain.back()));
  }
  // Deliver in blocks of 40, each shuffled: every packet arrives, none more than 40 late.
  std::mt19937 random(7);
  std::vector<std::size_t> order(secured.size());
  for (std::size_t at = 0; at < order.size(); ++at) order[at] = at;
  for (std::size_t block = 0; block < order.size(); block += 40) {
    std::shuffle(order.begin() + static_cast<std::ptrdiff_t>(block),
                 order.begin() + static_cast<std::ptrdiff_t>(block + 40), random);
  }
  for (const auto at : order) {
    const auto opened = unprotect(ours, secured[at]);
    ASSERT_TRUE(opened.has_value()) << at;
    ASSERT_EQ(opened.value(), plain[at]);
  }
  for (const auto at : {std::size_t{0}, std::size_t{135}, std::size_t{136}, std::size_t{399}}) {
    EXPECT_EQ(error_of(unprotect(ours, secured[at])), SrtpError::Replayed) << at;
  }
}

TEST_P(SrtpInterop, PacketsOlderThanTheWindowAreRefused) {
  LibsrtpOracle sender(profile(), key(), false);
  SrtpSession ours(profile(), key(), Direction::Inbound);
  std::vector<Bytes> secured;
  for (std::uint16_t sequence = 1; sequence <= 1100; ++sequence) {
    RtpShape shape;
    shape.sequence = sequence;
    secured.push_back(sender.protect_rtp(rtp_packet(shape)));
  }
  ASSERT_TRUE(unprotect(ours, secured.back()).has_value());                // 1100
  EXPECT_EQ(error_of(unprotect(ours, secured[50])), SrtpError::Replayed);  // 51: too old
  EXPECT_TRUE(unprotect(ours, secured[100]).has_value());                  // 101: in window
}

TEST_P(SrtpInterop, TamperedPacketsAreRefused) {
  LibsrtpOracle sender(profile(), key(), false);
  SrtpSession ours(profile(), key(), Direction::Inbound);
  RtpShape shape;
  shape.csrc_count = 1;
  shape.extension = Extension::TwoByte;
  const auto secured = sender.protect_rtp(rtp_packet(shape));
  // Every byte but those that change the header's layout (first byte, extension length) or
  // the sequence number (which the index estimate reads) must be covered by the tag.
  for (std::size_t at = 4; at < secured.size(); ++at) {
    if (at == 16 + 2 || at == 16 + 3) continue;
    auto forged = secured;
    forged[at] ^= 0x04;
    EXPECT_EQ(error_of(unprotect(ours, forged)), SrtpError::AuthenticationFailed) << at;
  }
  auto forged_rtcp = LibsrtpOracle(profile(), key(), false).protect_rtcp(rtcp_packet(5, 1));
  forged_rtcp[20] ^= 0x80;
  EXPECT_EQ(error_of(unprotect(ours, forged_rtcp, true)), SrtpError::AuthenticationFailed);
  // The untouched packet still opens: failures leave no state behind.
  EXPECT_TRUE(unprotect(ours, secured).has_value());
}

TEST_P(SrtpInterop, WrongKeyIsRefused) {
  LibsrtpOracle sender(profile(), master_key(profile(), 0x11), false);
  SrtpSession ours(profile(), key(), Direction::Inbound);
  const auto secured = sender.protect_rtp(rtp_packet({}));
  EXPECT_EQ(error_of(unprotect(ours, secured)), SrtpError::AuthenticationFailed);
  const auto secured_rtcp = sender.protect_rtcp(rtcp_packet(9, 2));
  EXPECT_EQ(error_of(unprotect(ours, secured_rtcp, true)), SrtpError::AuthenticationFailed);
}

// An unchanged retransmission is protected exactly as the first time (libsrtp's
// allow_repeat_tx), and libsrtp takes either copy once.
TEST_P(SrtpInterop, ReprotectingASequenceNumberRepeatsThePacket) {
  SrtpSession ours(profile(), key(), Direction::Outbound);
  RtpShape shape;
  shape.sequence = 42;
  const auto first = protect(ours, rtp_packet(shape));
  shape.sequence = 43;
  protect(ours, rtp_packet(shape));
  shape.sequence = 42;
  EXPECT_EQ(protect(ours, rtp_packet(shape)), first);
}

TEST_P(SrtpInterop, AtMostKMaxStreamsSsrcsPerSession) {
  SrtpSession ours_out(profile(), key(), Direction::Outbound);
  SrtpSession ours_in(profile(), key(), Direction::Inbound);
  constexpr auto limit = srtp::StreamTable::kMaxStreams;
  for (std::uint32_t ssrc = 1; ssrc <= limit + 1; ++ssrc) {
    RtpShape shape;
    shape.ssrc = ssrc;
    auto packet = rtp_packet(shape);
    const auto length = packet.size();
    packet.resize(length + SrtpSession::kMaxTrailer);
    const auto result = ours_out.protect_rtp(packet, length);
    if (ssrc <= limit) {
      ASSERT_TRUE(result.has_value()) << ssrc;
      packet.resize(result.value());
      ASSERT_TRUE(unprotect(ours_in, packet).has_value()) << ssrc;
    } else {
      EXPECT_EQ(result.error(), SrtpError::TooManyStreams);
      // The receiver refuses a new SSRC beyond the limit too, even if it authenticates.
      LibsrtpOracle sender(profile(), key(), false);
      EXPECT_EQ(error_of(unprotect(ours_in, sender.protect_rtp(rtp_packet(shape)))),
                SrtpError::TooManyStreams);
    }
  }
}

TEST_P(SrtpInterop, MalformedPacketsAreRefused) {
  SrtpSession ours_in(profile(), key(), Direction::Inbound);
  SrtpSession ours_out(profile(), key(), Direction::Outbound);
  RtpShape shape;
  shape.extension = Extension::OneByte;
  auto packet = rtp_packet(shape);
  packet[14] = 0x40;  // the extension length: far past the end
  EXPECT_EQ(error_of(unprotect(ours_in, packet)), SrtpError::Malformed);
  Bytes room(300);
  std::copy(packet.begin(), packet.end(), room.begin());
  EXPECT_EQ(ours_out.protect_rtp(room, packet.size()).error(), SrtpError::Malformed);
  Bytes not_version_2 = rtp_packet({});
  not_version_2[0] = 0x40;
  EXPECT_EQ(error_of(unprotect(ours_in, not_version_2)), SrtpError::Malformed);
  EXPECT_EQ(error_of(unprotect(ours_in, Bytes{0x80, 200, 0, 1}, true)), SrtpError::Malformed);
  // A session only works its own way.
  EXPECT_EQ(error_of(unprotect(ours_out, protect(ours_out, rtp_packet({})))), SrtpError::Failed);
}
