// The answer to a viewer's offer: read back with this repository's parser, it holds exactly
// what the viewer needs (spec §5.2, §6.2) and what the media session is told.
#include "rtc/sdp/viewer_answer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "browser_offers.hpp"
#include "rtc/sdp/offer_validation.hpp"
#include "rtc/sdp/sdp_parser.hpp"
#include "viewer_offers.hpp"

namespace webvox::rtc::sdp {
namespace {

using test::chromium156_offer;
using test::replaced;
using test::viewer_offer;

ViewerAnswerOptions viewer_options() {
  ViewerAnswerOptions options;
  options.session_id = 4242;
  options.session_version = 1;
  options.transport.ice_ufrag = "vwr1";
  options.transport.ice_pwd = "viewerserverpassword0123";
  options.transport.fingerprint = Fingerprint{"sha-256", std::vector<std::uint8_t>(32, 0x5C)};
  options.transport.advertised_addresses = {"198.51.100.7", "2001:db8::7"};
  options.transport.udp_port = 40000;
  options.transport.tcp_port = 40001;
  options.mix_stream = SendStream{0x0A0B0C0D, "webvox", "webvox", "mix"};
  return options;
}

// The answer, or nullopt with the reason reported as a test failure.
std::optional<ViewerAnswer> answered(std::string_view offer) {
  auto answer = answer_viewer_offer(offer, viewer_options());
  if (!answer) {
    ADD_FAILURE() << answer.error().describe();
    return std::nullopt;
  }
  return std::move(*answer);
}

std::size_t count_lines_starting(const std::string& text, std::string_view prefix) {
  std::size_t count = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    if (text.compare(at, prefix.size(), prefix) == 0) ++count;
    const auto end = text.find('\n', at);
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return count;
}

TEST(ViewerAnswer, TellsTheMediaSessionWhatWasNegotiated) {
  const auto answer = answered(viewer_offer());
  ASSERT_TRUE(answer);
  const auto& session = answer->session;
  EXPECT_EQ(session.audio_mid, "0");
  EXPECT_EQ(session.opus_payload_type, 111);
  EXPECT_EQ(session.audio_level_extension_id, 1);
  EXPECT_EQ(session.viewer_ssrcs, std::vector<std::uint32_t>{352412262u});
  EXPECT_EQ(session.data_mid, "1");
  EXPECT_TRUE(session.data_channels());
  EXPECT_EQ(session.server_setup, SetupRole::Passive);
  EXPECT_EQ(session.viewer_ice, (IceCredentials{"I8o0", "aoKJPl2xNVHEYXyMciQHQPen"}));
  EXPECT_EQ(session.viewer_fingerprint.hash_function, "sha-256");
  EXPECT_EQ(session.viewer_fingerprint.digest.front(), 0x7A);
}

TEST(ViewerAnswer, ParsesBackWithStereoOpusOneStreamAndTheDataChannel) {
  const auto answer = answered(viewer_offer());
  ASSERT_TRUE(answer);
  const auto parsed = parse_session_description(answer->sdp);
  ASSERT_TRUE(parsed) << parsed.error().describe();
  EXPECT_TRUE(parsed->ice_lite);
  ASSERT_EQ(parsed->groups.size(), 1u);
  EXPECT_EQ(parsed->groups[0], (Group{"BUNDLE", {"0", "1"}}));
  ASSERT_EQ(parsed->media.size(), 2u);

  const auto& audio = parsed->media[0];
  EXPECT_EQ(audio.media, "audio");
  EXPECT_EQ(audio.mid, "0");
  EXPECT_EQ(audio.port, 40000);
  EXPECT_EQ(audio.formats, std::vector<std::string>{"111"});
  EXPECT_EQ(audio.transport.direction, Direction::SendRecv);
  EXPECT_EQ(audio.rtpmaps, (std::vector<Rtpmap>{{111, "opus", 48000, 2}}));
  EXPECT_EQ(audio.fmtps, (std::vector<Fmtp>{{111,
                                             {{"minptime", "10"},
                                              {"useinbandfec", "1"},
                                              {"stereo", "1"},
                                              {"sprop-stereo", "1"},
                                              {"maxplaybackrate", "48000"},
                                              {"sprop-maxcapturerate", "48000"}}}}));
  EXPECT_TRUE(audio.rtcp_mux);
  // One stream: the listener's mix.
  ASSERT_EQ(audio.ssrcs.size(), 2u);
  EXPECT_EQ(audio.ssrcs[0], (SsrcAttribute{0x0A0B0C0D, "cname", "webvox"}));
  EXPECT_EQ(audio.ssrcs[1].ssrc, 0x0A0B0C0Du);
  EXPECT_EQ(audio.msids, (std::vector<Msid>{{"webvox", "mix"}}));
  // The audio level the viewer offered; no MID extension (the one SSRC routes the mix).
  EXPECT_EQ(audio.transport.extmaps,
            (std::vector<Extmap>{{1, std::nullopt, std::string(kAudioLevelUri), ""}}));
  EXPECT_EQ(audio.transport.setup, SetupRole::Passive);
  EXPECT_EQ(audio.transport.ice_ufrag, "vwr1");
  EXPECT_EQ(audio.transport.fingerprints.at(0), viewer_options().transport.fingerprint);
  EXPECT_EQ(audio.candidates.size(), 4u);  // UDP and TCP on both advertised addresses

  const auto& data = parsed->media[1];
  EXPECT_EQ(data.media, "application");
  EXPECT_EQ(data.proto, "UDP/DTLS/SCTP");
  EXPECT_EQ(data.formats, std::vector<std::string>{"webrtc-datachannel"});
  EXPECT_EQ(data.mid, "1");
  EXPECT_NE(data.port, 0);
  EXPECT_EQ(data.sctp_port, 5000);
  EXPECT_EQ(data.max_message_size, kServerMaxMessageSize);
}

TEST(ViewerAnswer, HasExactlyOneFmtpAndOneRtpmapLine) {
  const auto answer = answered(viewer_offer());
  ASSERT_TRUE(answer);
  EXPECT_EQ(count_lines_starting(answer->sdp, "a=fmtp:"), 1u);
  EXPECT_EQ(count_lines_starting(answer->sdp, "a=rtpmap:"), 1u);
  EXPECT_NE(answer->sdp.find("\r\na=fmtp:111 minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1;"
                             "maxplaybackrate=48000;sprop-maxcapturerate=48000\r\n"),
            std::string::npos);
  EXPECT_EQ(count_lines_starting(answer->sdp, "m="), 2u);
  // Every line CRLF-terminated: what the viewer hands to libwebrtc unchanged.
  EXPECT_EQ(std::count(answer->sdp.begin(), answer->sdp.end(), '\n'),
            std::count(answer->sdp.begin(), answer->sdp.end(), '\r'));
}

TEST(ViewerAnswer, ValidatesLikeAnOfferWithTheSameSections) {
  const auto answer = answered(viewer_offer());
  ASSERT_TRUE(answer);
  const auto parsed = parse_session_description(answer->sdp);
  ASSERT_TRUE(parsed);
  const auto again = validate_offer(*parsed);
  ASSERT_TRUE(again) << again.error().describe();
  ASSERT_EQ(again->sections.size(), 2u);
  const auto& audio = std::get<OfferedAudio>(again->sections[0]);
  EXPECT_EQ(audio.opus_payload_type, 111);
  EXPECT_EQ(audio.send_ssrcs, std::vector<std::uint32_t>{0x0A0B0C0Du});
  EXPECT_TRUE(std::holds_alternative<OfferedDataChannel>(again->sections[1]));
}

TEST(ViewerAnswer, KeepsTheOffersOrderAndPayloadType) {
  // Data first, Opus under 109: the answer follows the offer, whatever it is.
  std::string offer = chromium156_offer();
  const auto audio_at = offer.find("m=audio");
  const auto data_at = offer.find("m=application");
  offer = offer.substr(0, audio_at) + offer.substr(data_at) +
          offer.substr(audio_at, data_at - audio_at);
  offer = replaced(offer, "a=group:BUNDLE 0 1", "a=group:BUNDLE 1 0");
  offer = replaced(offer, "UDP/TLS/RTP/SAVPF 111 63", "UDP/TLS/RTP/SAVPF 109 63");
  offer = replaced(offer, "a=rtpmap:111 opus", "a=rtpmap:109 opus");
  offer = replaced(offer, "a=fmtp:111 ", "a=fmtp:109 ");
  offer = replaced(offer, "a=fmtp:63 111/111", "a=fmtp:63 109/109");
  offer = test::munge_like_viewer(offer);
  ASSERT_NE(offer.find("\ra=fmtp:109 minptime=10;useinbandfec=1;stereo=1"), std::string::npos);

  const auto answer = answered(offer);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->session.opus_payload_type, 109);
  EXPECT_EQ(answer->session.audio_mid, "0");
  EXPECT_EQ(answer->session.data_mid, "1");
  const auto parsed = parse_session_description(answer->sdp);
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->media.size(), 2u);
  EXPECT_EQ(parsed->media[0].media, "application");
  EXPECT_EQ(parsed->media[0].mid, "1");
  EXPECT_EQ(parsed->media[1].media, "audio");
  EXPECT_EQ(parsed->media[1].formats, std::vector<std::string>{"109"});
  EXPECT_EQ(parsed->media[1].rtpmaps, (std::vector<Rtpmap>{{109, "opus", 48000, 2}}));
  ASSERT_EQ(parsed->media[1].fmtps.size(), 1u);
  EXPECT_EQ(parsed->media[1].fmtps[0].payload_type, 109);
  EXPECT_EQ(parsed->groups[0].mids, (std::vector<std::string>{"1", "0"}));
}

TEST(ViewerAnswer, WithoutADataChannelAnswersAudioAlone) {
  const auto offer =
      replaced(chromium156_offer().substr(0, chromium156_offer().find("m=application")),
               "a=group:BUNDLE 0 1", "a=group:BUNDLE 0");
  const auto answer = answered(test::munge_like_viewer(offer));
  ASSERT_TRUE(answer);
  EXPECT_FALSE(answer->session.data_channels());
  const auto parsed = parse_session_description(answer->sdp);
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->media.size(), 1u);
  EXPECT_EQ(parsed->media[0].transport.direction, Direction::SendRecv);
}

TEST(ViewerAnswer, RejectsASecondAudioSectionWithPortZero) {
  auto offer = replaced(chromium156_offer(), "a=group:BUNDLE 0 1", "a=group:BUNDLE 0 1 2");
  offer +=
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:2\r\na=sendrecv\r\n"
      "a=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n";
  const auto answer = answered(test::munge_like_viewer(offer));
  ASSERT_TRUE(answer);
  const auto parsed = parse_session_description(answer->sdp);
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->media.size(), 3u);
  EXPECT_EQ(parsed->media[2].media, "audio");
  EXPECT_EQ(parsed->media[2].port, 0);
  EXPECT_EQ(parsed->media[2].mid, "2");
  EXPECT_EQ(parsed->groups[0].mids, (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(count_lines_starting(answer->sdp, "a=ssrc:"), 2u);  // the one mix stream only
}

TEST(ViewerAnswer, SaysWhyItCannotAnswer) {
  const auto unparsable = answer_viewer_offer("v=0\rx", viewer_options());
  ASSERT_FALSE(unparsable);
  EXPECT_EQ(unparsable.error().code, ViewerAnswerErrorCode::UnparsableOffer);
  EXPECT_NE(unparsable.error().describe().find("line 2"), std::string::npos);

  const auto no_opus = answer_viewer_offer(
      replaced(viewer_offer(), "a=rtpmap:111 opus/48000/2", "a=rtpmap:111 speex/48000/2"),
      viewer_options());
  ASSERT_FALSE(no_opus);
  EXPECT_EQ(no_opus.error().code, ViewerAnswerErrorCode::UnacceptableOffer);
  EXPECT_NE(no_opus.error().describe().find("Opus"), std::string::npos);

  auto bad_stream = viewer_options();
  bad_stream.mix_stream.cname = "two words";
  const auto unwritable = answer_viewer_offer(viewer_offer(), bad_stream);
  ASSERT_FALSE(unwritable);
  EXPECT_EQ(unwritable.error().code, ViewerAnswerErrorCode::CannotWriteAnswer);
  EXPECT_NE(unwritable.error().describe().find("send stream"), std::string::npos);
}

}  // namespace
}  // namespace webvox::rtc::sdp
