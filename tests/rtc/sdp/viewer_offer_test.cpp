// The SL viewer's munged offer (shared/spec/viewer-webrtc.md §5.1, corrections 1-2): lone CRs
// and bare LFs as line ends, the Opus fmtp given twice, audio then the data channel, no
// candidates. It must parse to what Chromium reads from it, and validate.
#include <gtest/gtest.h>

#include <algorithm>

#include "browser_offers.hpp"
#include "rtc/sdp/offer_validation.hpp"
#include "rtc/sdp/sdp_parser.hpp"
#include "viewer_offers.hpp"

namespace webvox::rtc::sdp {
namespace {

using test::chromium156_offer;
using test::munge_like_viewer;
using test::replaced;
using test::viewer_offer;

const std::vector<FormatParameter> kMergedViewerOpus = {{"minptime", "10"},
                                                        {"useinbandfec", "1"},
                                                        {"stereo", "1"},
                                                        {"sprop-stereo", "1"},
                                                        {"maxplaybackrate", "48000"},
                                                        {"sprop-maxplaybackrate", "48000"},
                                                        {"sprop-maxcapturerate", "48000"}};

SessionDescription parsed_or_fail(std::string_view text) {
  auto parsed = parse_session_description(text);
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().describe());
  return parsed ? std::move(*parsed) : SessionDescription{};
}

std::string with_line_ends(std::string_view text, std::string_view line_end) {
  std::string result;
  for (const char c : text) {
    if (c == '\r') continue;
    if (c == '\n') {
      result += line_end;
    } else {
      result += c;
    }
  }
  return result;
}

TEST(ViewerOfferMunging, WritesTheLineEndsTheSpecDescribes) {
  const auto munged = viewer_offer();
  // The rewritten rtpmap loses its CR; the appended fmtp follows the original one's CR.
  EXPECT_NE(munged.find("\r\na=rtpmap:111 opus/48000/2\na=rtcp-fb:111 transport-cc\r\n"),
            std::string::npos);
  EXPECT_NE(munged.find("\r\na=fmtp:111 minptime=10;useinbandfec=1\ra=fmtp:111 minptime=10;"
                        "useinbandfec=1;stereo=1;sprop-stereo=1;maxplaybackrate=48000;"
                        "sprop-maxplaybackrate=48000;sprop-maxcapturerate=48000\na=rtpmap:63 "),
            std::string::npos);
  const auto original = chromium156_offer();
  EXPECT_EQ(std::count(munged.begin(), munged.end(), '\r'),
            std::count(original.begin(), original.end(), '\r') - 1);
  EXPECT_EQ(std::count(munged.begin(), munged.end(), '\n'),
            std::count(original.begin(), original.end(), '\n'));
  // Only the Opus lines change: the RED fmtp ("a=fmtp:63 111/111") is left alone.
  EXPECT_NE(munged.find("\r\na=fmtp:63 111/111\r\n"), std::string::npos);
  EXPECT_EQ(munged.find("a=candidate"), std::string::npos);
}

TEST(ViewerOffer, ParsesWithTheOpusFmtpMergedAsChromiumReadsIt) {
  const auto offer = parsed_or_fail(viewer_offer());
  ASSERT_EQ(offer.media.size(), 2u);
  const auto& audio = offer.media[0];
  EXPECT_EQ(audio.media, "audio");
  EXPECT_EQ(audio.mid, "0");
  ASSERT_FALSE(audio.rtpmaps.empty());
  EXPECT_EQ(audio.rtpmaps[0], (Rtpmap{111, "opus", 48000, 2}));
  ASSERT_EQ(audio.fmtps.size(), 2u);  // Opus once, RED once
  EXPECT_EQ(audio.fmtps[0], (Fmtp{111, kMergedViewerOpus}));
  EXPECT_EQ(audio.fmtps[1], (Fmtp{63, {{"111/111", ""}}}));
  EXPECT_EQ(audio.rtcp_feedback.size(), 1u);  // the line after the bare LF is read too
  EXPECT_TRUE(audio.candidates.empty());
  const auto& data = offer.media[1];
  EXPECT_EQ(data.media, "application");
  EXPECT_EQ(data.formats, std::vector<std::string>{"webrtc-datachannel"});
  EXPECT_EQ(data.mid, "1");
  EXPECT_EQ(data.sctp_port, 5000);
  EXPECT_TRUE(data.candidates.empty());
}

TEST(ViewerOffer, ValidatesWithStereoOpusAndTheDataChannel) {
  const auto offer = validate_offer(parsed_or_fail(viewer_offer()));
  ASSERT_TRUE(offer) << offer.error().describe();
  EXPECT_EQ(offer->ice, (IceCredentials{"I8o0", "aoKJPl2xNVHEYXyMciQHQPen"}));
  EXPECT_EQ(offer->fingerprint.digest.front(), 0x7A);
  EXPECT_EQ(offer->offered_setup, SetupRole::ActPass);
  EXPECT_EQ(offer->server_setup, SetupRole::Passive);
  EXPECT_EQ(offer->bundle_mids, (std::vector<std::string>{"0", "1"}));
  ASSERT_EQ(offer->sections.size(), 2u);
  const auto& audio = std::get<OfferedAudio>(offer->sections[0]);
  EXPECT_EQ(audio.mid, "0");
  EXPECT_EQ(audio.direction, Direction::SendRecv);
  EXPECT_EQ(audio.opus_payload_type, 111);
  EXPECT_EQ(audio.opus_parameters, kMergedViewerOpus);
  EXPECT_EQ(audio.audio_level_extension_id, 1);
  EXPECT_EQ(audio.send_ssrcs, std::vector<std::uint32_t>{352412262u});
  const auto& data = std::get<OfferedDataChannel>(offer->sections[1]);
  EXPECT_EQ(data.mid, "1");
  EXPECT_EQ(data.sctp_port, 5000);
  EXPECT_EQ(data.max_message_size, 262144u);
}

TEST(ViewerOffer, ParsesTheSameWhateverTheLineEnds) {
  const auto reference = parsed_or_fail(chromium156_offer());
  ASSERT_EQ(reference.media.size(), 2u);
  for (const auto* line_end : {"\r\n", "\n", "\r", "\r\r\n", "\n\r"}) {
    const auto offer = parsed_or_fail(with_line_ends(chromium156_offer(), line_end));
    ASSERT_EQ(offer.media.size(), 2u) << "line end " << ::testing::PrintToString(line_end);
    EXPECT_EQ(offer.media[0].fmtps, reference.media[0].fmtps);
    EXPECT_EQ(offer.media[0].rtpmaps, reference.media[0].rtpmaps);
    EXPECT_EQ(offer.media[0].ssrcs, reference.media[0].ssrcs);
    EXPECT_EQ(offer.media[1].sctp_port, 5000);
  }
  // No line end after the last line, or a lone CR there: the last attribute still counts.
  auto unterminated = chromium156_offer();
  unterminated.resize(unterminated.size() - 2);
  for (const auto& text : {unterminated, unterminated + "\r"}) {
    const auto offer = parsed_or_fail(text);
    ASSERT_EQ(offer.media.size(), 2u);
    EXPECT_EQ(offer.media[1].max_message_size, 262144u);
  }
}

TEST(ViewerOffer, CountsALoneCarriageReturnAsALineInErrors) {
  // The appended fmtp is a line of its own: an error in it is reported one line after the
  // original fmtp, not on it.
  const auto munged = replaced(viewer_offer(), "sprop-maxcapturerate=48000\n",
                               "sprop-maxcapturerate=48000\na=rtpmap:128 opus/48000/2\n");
  const auto parsed = parse_session_description(munged);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, ParseErrorCode::MalformedAttribute);
  EXPECT_EQ(parsed.error().attribute, "rtpmap");
  const auto original_fmtp_line = [&] {
    const auto at = munged.find("a=fmtp:111 ");
    return static_cast<std::size_t>(
               std::count(munged.begin(), munged.begin() + static_cast<long>(at), '\n')) +
           1;
  }();
  EXPECT_EQ(parsed.error().line, original_fmtp_line + 2);
}

TEST(ViewerOffer, NeverCrashesOnOddLineEnds) {
  // Every mix of CR and LF between every pair of lines, and stray ones inside: parses or fails
  // with an error, never anything else (the fuzz target covers the rest).
  const auto base = chromium156_offer();
  for (const auto* junk : {"\r", "\n", "\r\r", "\n\n", "\r\n\r", "\n\r\n"}) {
    for (std::size_t at = 0; at <= base.size(); at += 37) {
      auto text = base;
      text.insert(at, junk);
      const auto parsed = parse_session_description(text);
      if (!parsed) {
        EXPECT_FALSE(parsed.error().describe().empty());
      }
    }
  }
  EXPECT_FALSE(parse_session_description("\r"));
  EXPECT_FALSE(parse_session_description("\r\r\r\n\n"));
  EXPECT_EQ(parse_session_description("v=0\ro=- 1 1 IN IP4 0.0.0.0\rs=-\rt=0 0\r").has_value(),
            true);
}

TEST(FmtpMerge, LaterParametersExtendAndOverrideEarlierOnes) {
  const auto text = replaced(chromium156_offer(), "a=fmtp:111 minptime=10;useinbandfec=1\r\n",
                             "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
                             "a=fmtp:111 USEINBANDFEC=0;stereo=1\r\n"
                             "a=fmtp:111 minptime=20\r\n");
  const auto offer = parsed_or_fail(text);
  ASSERT_EQ(offer.media.size(), 2u);
  ASSERT_EQ(offer.media[0].fmtps.size(), 2u);
  // Names compare without case (RFC 6838 §4.3); the first spelling stays, the last value wins.
  EXPECT_EQ(offer.media[0].fmtps[0],
            (Fmtp{111, {{"minptime", "20"}, {"useinbandfec", "0"}, {"stereo", "1"}}}));
}

TEST(FmtpMerge, OnlyMergesTheSamePayloadTypeInTheSameSection) {
  auto text = replaced(chromium156_offer(), "a=fmtp:63 111/111\r\n",
                       "a=fmtp:63 111/111\r\na=fmtp:111 stereo=1\r\n");
  text +=
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:2\r\na=rtcp-mux\r\n"
      "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=40\r\n";
  const auto offer = parsed_or_fail(text);
  ASSERT_EQ(offer.media.size(), 3u);
  ASSERT_EQ(offer.media[0].fmtps.size(), 2u);
  EXPECT_EQ(offer.media[0].fmtps[0],
            (Fmtp{111, {{"minptime", "10"}, {"useinbandfec", "1"}, {"stereo", "1"}}}));
  EXPECT_EQ(offer.media[0].fmtps[1], (Fmtp{63, {{"111/111", ""}}}));
  EXPECT_EQ(offer.media[2].fmtps, (std::vector<Fmtp>{{111, {{"minptime", "40"}}}}));
}

TEST(FmtpMerge, BoundsTheParametersOfOnePayloadType) {
  SdpLimits limits;
  limits.max_format_parameters = 8;
  // The merged viewer fmtp holds 7: it fits, and one more name does not.
  ASSERT_TRUE(parse_session_description(viewer_offer(), limits));
  const auto text = replaced(viewer_offer(), "sprop-maxcapturerate=48000\n",
                             "sprop-maxcapturerate=48000;a=1;b=2\n");
  const auto parsed = parse_session_description(text, limits);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, ParseErrorCode::TooManyFormatParameters);
  EXPECT_EQ(parsed.error().attribute, "fmtp");
  // Overriding a name already there adds nothing.
  EXPECT_TRUE(parse_session_description(replaced(viewer_offer(), "sprop-maxcapturerate=48000\n",
                                                 "sprop-maxcapturerate=48000;stereo=0\n"),
                                        limits));
  // One line alone is held to the same bound.
  std::string many = "a=fmtp:111 ";
  for (int i = 0; i < 9; ++i) many += "p" + std::to_string(i) + "=1;";
  EXPECT_EQ(
      parse_session_description(
          replaced(chromium156_offer(), "a=fmtp:111 minptime=10;useinbandfec=1", many), limits)
          .error()
          .code,
      ParseErrorCode::TooManyFormatParameters);
}

}  // namespace
}  // namespace webvox::rtc::sdp
