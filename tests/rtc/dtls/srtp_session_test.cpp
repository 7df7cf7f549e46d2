// SRTP with the keys a DTLS handshake yields: round trips, forgery, replay, both profiles.
#include <gtest/gtest.h>

#include "dtls_pair.hpp"
#include "rtc/srtp/srtp_session.hpp"

using namespace webvox::rtc;
using webvox::rtc::testing::DtlsPair;
using Direction = SrtpSession::Direction;

namespace {

// An Opus-sized RTP packet (RFC 3550 header, payload type 111) in a buffer with room to grow.
std::vector<std::uint8_t> rtp_packet(std::uint16_t sequence, std::size_t payload = 80) {
  std::vector<std::uint8_t> packet{0x80,
                                   111,
                                   static_cast<std::uint8_t>(sequence >> 8),
                                   static_cast<std::uint8_t>(sequence),
                                   0,
                                   0,
                                   0x03,
                                   0xC0,
                                   0x12,
                                   0x34,
                                   0x56,
                                   0x78};
  for (std::size_t i = 0; i < payload; ++i) packet.push_back(static_cast<std::uint8_t>(i * 7));
  return packet;
}

// A receiver report: V=2, RC=0, PT=201, length 1, sender SSRC.
std::vector<std::uint8_t> rtcp_packet() { return {0x80, 201, 0, 1, 0x12, 0x34, 0x56, 0x78}; }

std::size_t length_of(const SrtpResult& result) {
  if (!result) {
    ADD_FAILURE() << "SRTP error " << static_cast<int>(result.error());
    return 0;
  }
  return *result;
}

std::vector<std::uint8_t> protect(SrtpSession& session, std::vector<std::uint8_t> plain,
                                  bool rtcp = false) {
  const auto length = plain.size();
  plain.resize(length + SrtpSession::kMaxTrailer);
  const auto result =
      rtcp ? session.protect_rtcp(plain, length) : session.protect_rtp(plain, length);
  plain.resize(length_of(result));
  return plain;
}

struct Keys {
  SrtpKeying client;
  SrtpKeying server;
};

Keys handshake() {
  DtlsPair pair;
  pair.client.start();
  pair.pump();
  EXPECT_TRUE(pair.connected());
  return {*pair.client.srtp_keying(), *pair.server.srtp_keying()};
}

}  // namespace

TEST(SrtpSession, KeysFromTheHandshakeProtectAndUnprotect) {
  const auto keys = handshake();
  SrtpSession sender(keys.client.profile, keys.client.local, Direction::Outbound);
  SrtpSession receiver(keys.server.profile, keys.server.remote, Direction::Inbound);
  for (std::uint16_t sequence = 65530; sequence != 5; ++sequence) {  // across the wrap
    const auto plain = rtp_packet(sequence);
    auto secured = protect(sender, plain);
    EXPECT_EQ(secured.size(), plain.size() + 16);  // the GCM tag
    EXPECT_NE(std::vector(secured.begin() + 12, secured.begin() + 40),
              std::vector(plain.begin() + 12, plain.begin() + 40));  // payload encrypted
    EXPECT_EQ(length_of(receiver.unprotect_rtp(secured)), plain.size());
    secured.resize(plain.size());
    EXPECT_EQ(secured, plain);
  }
}

TEST(SrtpSession, ForgedAndReplayedPacketsAreRefused) {
  const auto keys = handshake();
  SrtpSession sender(keys.client.profile, keys.client.local, Direction::Outbound);
  SrtpSession receiver(keys.server.profile, keys.server.remote, Direction::Inbound);
  auto secured = protect(sender, rtp_packet(100));
  auto forged = secured;
  forged[20] ^= 0x01;
  EXPECT_EQ(receiver.unprotect_rtp(forged).error(), SrtpError::AuthenticationFailed);
  auto first = secured;
  EXPECT_TRUE(receiver.unprotect_rtp(first).has_value());
  EXPECT_EQ(receiver.unprotect_rtp(secured).error(), SrtpError::Replayed);
  // The other direction's keys cannot read it.
  SrtpSession wrong(keys.client.profile, keys.client.remote, Direction::Inbound);
  auto again = protect(sender, rtp_packet(101));
  EXPECT_EQ(wrong.unprotect_rtp(again).error(), SrtpError::AuthenticationFailed);
}

TEST(SrtpSession, RtcpRoundTrip) {
  const auto keys = handshake();
  SrtpSession sender(keys.server.profile, keys.server.local, Direction::Outbound);
  SrtpSession receiver(keys.client.profile, keys.client.remote, Direction::Inbound);
  const auto plain = rtcp_packet();
  auto secured = protect(sender, plain, /*rtcp=*/true);
  EXPECT_GT(secured.size(), plain.size() + 4);
  EXPECT_EQ(length_of(receiver.unprotect_rtcp(secured)), plain.size());
  secured.resize(plain.size());
  EXPECT_EQ(secured, plain);
}

TEST(SrtpSession, AesCmWithHmacSha1Works) {
  const SrtpMasterKey key{std::vector<std::uint8_t>(16, 0x2a), std::vector<std::uint8_t>(14, 0x17)};
  SrtpSession sender(SrtpProfile::Aes128CmSha1_80, key, Direction::Outbound);
  SrtpSession receiver(SrtpProfile::Aes128CmSha1_80, key, Direction::Inbound);
  const auto plain = rtp_packet(7);
  auto secured = protect(sender, plain);
  EXPECT_EQ(secured.size(), plain.size() + 10);  // 80-bit HMAC tag
  EXPECT_EQ(length_of(receiver.unprotect_rtp(secured)), plain.size());
}

TEST(SrtpSession, RefusesTooLittleRoomAndRunts) {
  const SrtpMasterKey key{std::vector<std::uint8_t>(16, 1), std::vector<std::uint8_t>(12, 2)};
  SrtpSession sender(SrtpProfile::AeadAes128Gcm, key, Direction::Outbound);
  SrtpSession receiver(SrtpProfile::AeadAes128Gcm, key, Direction::Inbound);
  auto packet = rtp_packet(1);
  EXPECT_EQ(sender.protect_rtp(packet, packet.size()).error(), SrtpError::BufferTooSmall);
  std::vector<std::uint8_t> runt{0x80, 111};
  EXPECT_FALSE(receiver.unprotect_rtp(runt).has_value());
  std::vector<std::uint8_t> header_only(12, 0);
  header_only[0] = 0x80;
  EXPECT_FALSE(receiver.unprotect_rtp(header_only).has_value());
}
