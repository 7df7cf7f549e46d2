// The pieces under SrtpSession: key derivation against RFC 3711's vectors, AES-GCM against
// RFC 7714's, the RTP index estimate of RFC 3711 Appendix A, the replay window and the bounded
// stream table.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rtc/srtp/srtp_aes_gcm.hpp"
#include "rtc/srtp/srtp_key_derivation.hpp"
#include "rtc/srtp/srtp_replay_window.hpp"
#include "rtc/srtp/srtp_stream_table.hpp"

using namespace webvox::rtc::srtp;

namespace {

std::vector<std::uint8_t> from_hex(const std::string& hex) {
  std::vector<std::uint8_t> bytes;
  for (std::size_t at = 0; at + 1 < hex.size(); at += 2) {
    bytes.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(at, 2), nullptr, 16)));
  }
  return bytes;
}

std::vector<std::uint8_t> derive(KeyLabel label, std::size_t size) {
  // RFC 3711 Appendix B.3.
  const auto master_key = from_hex("E1F97A0D3E018BE0D64FA32C06DE4139");
  const auto master_salt = from_hex("0EC675AD498AFEEBB6960B3AABE6");
  std::vector<std::uint8_t> key(size);
  derive_session_key(master_key, master_salt, label, key);
  return key;
}

}  // namespace

TEST(SrtpKeyDerivation, MatchesRfc3711AppendixB3) {
  EXPECT_EQ(derive(KeyLabel::RtpEncryption, 16), from_hex("C61E7A93744F39EE10734AFE3FF7A087"));
  EXPECT_EQ(derive(KeyLabel::RtpSalt, 14), from_hex("30CBBC08863D8C85D49DB34A9AE1"));
  // B.3 lists a longer authentication key; its first 16 bytes, and SRTP uses 20.
  const auto auth = derive(KeyLabel::RtpAuthentication, 20);
  EXPECT_EQ(std::vector(auth.begin(), auth.begin() + 16),
            from_hex("CEBE321F6FF7716B6FD4AB49AF256A15"));
}

TEST(SrtpKeyDerivation, RefusesWrongSizes) {
  std::vector<std::uint8_t> out(16);
  const std::vector<std::uint8_t> key(16), short_key(15), salt(14), odd_salt(13);
  EXPECT_THROW(derive_session_key(short_key, salt, KeyLabel::RtpEncryption, out),
               std::invalid_argument);
  EXPECT_THROW(derive_session_key(key, odd_salt, KeyLabel::RtpEncryption, out),
               std::invalid_argument);
}

// RFC 7714 §16.1.1 (encryption) and §16.1.2 (decryption), AEAD_AES_128_GCM with the session
// key and salt given: SSRC 0x5501a0b2, ROC 0, SEQ 0xf17b, the 12-byte header as AAD.
TEST(SrtpAesGcm, MatchesRfc7714Section16) {
  AesGcmSuite::SessionKeys keys;
  const auto key = from_hex("000102030405060708090a0b0c0d0e0f");
  const auto salt = from_hex("517569642070726f2071756f");
  std::copy(key.begin(), key.end(), keys.rtp_key.begin());
  std::copy(salt.begin(), salt.end(), keys.rtp_salt.begin());
  AesGcmSuite suite(keys);

  const auto plain = from_hex(
      "8040f17b8041f8d35501a0b2"
      "47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573");
  const auto expected = from_hex(
      "8040f17b8041f8d35501a0b2"
      "f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833"
      "899d7f27beb16a9152cf765ee4390cce");
  auto packet = plain;
  packet.resize(plain.size() + AesGcmSuite::kTagSize);
  suite.protect_rtp(packet, 12, 0x5501a0b2, 0xf17b);
  EXPECT_EQ(packet, expected);
  ASSERT_TRUE(suite.unprotect_rtp(packet, 12, 0x5501a0b2, 0xf17b));
  packet.resize(plain.size());
  EXPECT_EQ(packet, plain);
  auto forged = expected;
  forged[20] ^= 1;
  EXPECT_FALSE(suite.unprotect_rtp(forged, 12, 0x5501a0b2, 0xf17b));
}

TEST(RtpIndexTracker, FollowsTheRolloverCounter) {
  RtpIndexTracker tracker;
  EXPECT_EQ(tracker.estimate(65530), 65530u);  // the first packet has ROC 0
  tracker.advance(65530);
  EXPECT_EQ(tracker.estimate(65535), 65535u);
  EXPECT_EQ(tracker.estimate(3), 65536u + 3);  // wrapped
  tracker.advance(65536 + 3);
  EXPECT_EQ(tracker.estimate(65534), 65534u);  // a late one from before the wrap
  EXPECT_EQ(tracker.estimate(10), 65536u + 10);
  EXPECT_EQ(tracker.estimate(40000), 40000u);  // far ahead is still nearer the old ROC
}

TEST(RtpIndexTracker, NeverGuessesBelowRocZero) {
  RtpIndexTracker tracker;
  tracker.advance(10);
  EXPECT_EQ(tracker.estimate(65000), 65000u);
}

TEST(ReplayWindow, AcceptsEachIndexOnceWithinTheWindow) {
  ReplayWindow window;
  EXPECT_TRUE(window.is_fresh(5000));
  window.accept(5000);
  EXPECT_FALSE(window.is_fresh(5000));
  EXPECT_TRUE(window.is_fresh(4999));
  window.accept(4999);
  EXPECT_FALSE(window.is_fresh(4999));
  EXPECT_TRUE(window.is_fresh(5000 - ReplayWindow::kSize + 1));
  EXPECT_FALSE(window.is_fresh(5000 - ReplayWindow::kSize));  // too old
  window.accept(5003);
  EXPECT_TRUE(window.is_fresh(5001));
  EXPECT_TRUE(window.is_fresh(5002));
  EXPECT_FALSE(window.is_fresh(5000));
  // A jump past the whole window forgets everything but the new index.
  window.accept(5003 + 3 * ReplayWindow::kSize);
  EXPECT_TRUE(window.is_fresh(5003 + 3 * ReplayWindow::kSize - 1));
  EXPECT_FALSE(window.is_fresh(5003 + 3 * ReplayWindow::kSize));
}

TEST(ReplayWindow, SlotsReusedAfterTheWindowMovesAreClear) {
  ReplayWindow window;
  for (std::uint64_t index = 0; index < 3000; index += 2) window.accept(index);
  for (std::uint64_t index = 3000 - ReplayWindow::kSize + 1; index < 3000; ++index) {
    EXPECT_EQ(window.is_fresh(index), index % 2 == 1) << index;
  }
}

TEST(StreamTable, HoldsAtMostKMaxStreams) {
  StreamTable table;
  for (std::uint32_t ssrc = 1; ssrc <= StreamTable::kMaxStreams; ++ssrc) {
    ASSERT_NE(table.add(ssrc), nullptr);
  }
  EXPECT_EQ(table.add(1000), nullptr);
  ASSERT_NE(table.find(7), nullptr);
  EXPECT_EQ(table.find(7)->ssrc, 7u);
  EXPECT_EQ(table.find(1000), nullptr);
}
