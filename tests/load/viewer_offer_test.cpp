#include <gtest/gtest.h>

#include <string>

#include "client_sdp.hpp"
#include "rtc/sdp/viewer_answer.hpp"
#include "sl_data_messages.hpp"
#include "tone_packets.hpp"

namespace webvox::load {
namespace {

ClientTransport transport() {
  ClientTransport t;
  t.ice = {"abcd1234", "abcdefghijklmnopqrstuvwx"};
  t.fingerprint.hash_function = std::string(rtc::sdp::kSha256);
  t.fingerprint.digest.assign(32, 0xab);
  t.address = "127.0.0.1";
  t.port = 40000;
  return t;
}

TEST(ViewerOffer, IsMungedAsTheViewerMungesIt) {
  const auto offer = write_viewer_offer(transport(), 0x20001, 1);
  // The rewritten rtpmap ends in a bare "\n"; the second fmtp follows the first one's "\r".
  EXPECT_NE(offer.sdp.find("a=rtpmap:111 opus/48000/2\n"), std::string::npos) << offer.sdp;
  EXPECT_EQ(offer.sdp.find("a=rtpmap:111 opus/48000/2\r\n"), std::string::npos) << offer.sdp;
  EXPECT_NE(offer.sdp.find("\ra=fmtp:111 minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1;"),
            std::string::npos)
      << offer.sdp;
  // Audio first, then the data channel, bundled; no candidates (they are trickled).
  const auto audio = offer.sdp.find("m=audio 9 ");
  const auto data = offer.sdp.find("m=application 9 UDP/DTLS/SCTP webrtc-datachannel");
  ASSERT_NE(audio, std::string::npos) << offer.sdp;
  ASSERT_NE(data, std::string::npos) << offer.sdp;
  EXPECT_LT(audio, data);
  EXPECT_NE(offer.sdp.find("a=group:BUNDLE 0 1"), std::string::npos);
  EXPECT_NE(offer.sdp.find("a=sendrecv"), std::string::npos);
  EXPECT_EQ(offer.sdp.find("a=candidate"), std::string::npos);
  ASSERT_EQ(offer.candidates.size(), 1u);
  EXPECT_EQ(offer.candidates[0].find("candidate:"), std::string::npos);
  EXPECT_NE(offer.candidates[0].find("127.0.0.1 40000 typ host"), std::string::npos)
      << offer.candidates[0];
}

TEST(ViewerOffer, WebvoxdAnswersItWithTheDataChannelKept) {
  const auto offer = write_viewer_offer(transport(), 0x20001, 1);
  rtc::sdp::ViewerAnswerOptions options;
  options.transport.ice_ufrag = "srvr";
  options.transport.ice_pwd = "serverpasswordserverpass";
  options.transport.fingerprint.hash_function = std::string(rtc::sdp::kSha256);
  options.transport.fingerprint.digest.assign(32, 0xcd);
  options.transport.advertised_addresses = {"127.0.0.1"};
  options.transport.udp_port = 50000;
  options.mix_stream = {0x777, "webvox", "webvox", "mix"};
  const auto answer = rtc::sdp::answer_viewer_offer(offer.sdp, options);
  ASSERT_TRUE(answer) << answer.error().describe() << "\n" << offer.sdp;
  EXPECT_TRUE(answer->session.data_channels());
  EXPECT_EQ(answer->session.viewer_ssrcs, std::vector<std::uint32_t>{0x20001});
  const auto remote = read_remote_description(answer->sdp);
  ASSERT_TRUE(std::holds_alternative<RemoteEndpoint>(remote)) << std::get<std::string>(remote);
  EXPECT_TRUE(std::get<RemoteEndpoint>(remote).data_channel);
}

TEST(ViewerOffer, TheViewersMungingOfABrowserOffer) {
  const std::string offer =
      "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 "
      "minptime=10;useinbandfec=1\r\n";
  EXPECT_EQ(munge_like_the_viewer(offer),
            "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\n"
            "a=fmtp:111 minptime=10;useinbandfec=1\ra=fmtp:111 "
            "minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1;"
            "maxplaybackrate=48000;sprop-maxplaybackrate=48000;sprop-maxcapturerate=48000\n");
}

TEST(SlDataMessages, PoseInGlobalCentimetresAndQuaternionsTimesAHundred) {
  EXPECT_EQ(primary_join_message(), R"({"j":{"p":true}})");
  const auto text = pose_message({256128.5, 256004.25, 25, 0});
  EXPECT_EQ(text, R"({"lh":{"w":100,"x":0,"y":0,"z":0},"lp":{"x":25612850,"y":25600425,"z":2500},)"
                  R"("sh":{"w":100,"x":0,"y":0,"z":0},"sp":{"x":25612850,"y":25600425,"z":2500}})");
}

TEST(TonePackets, ALoopOfRealOpusAtTheAskedRate) {
  ToneSettings settings;
  settings.frequency = 440;
  settings.bitrate = 32000;
  const TonePackets tone(settings);
  ASSERT_EQ(tone.size(), 50u);
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < tone.size(); ++i) {
    EXPECT_GT(tone.packet(i).size(), 2u);  // audio, not DTX
    bytes += tone.packet(i).size();
  }
  // One second of packets: about 32 kb/s (VBR; within ±30 %).
  EXPECT_GT(bytes * 8, 22400u);
  EXPECT_LT(bytes * 8, 41600u);
  EXPECT_EQ(tone.level_minus_dbov(), 15);  // a 0.25 sine: -15 dBov RMS
}

}  // namespace
}  // namespace webvox::load
