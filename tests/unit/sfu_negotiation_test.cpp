#include "sfu/negotiation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "rtc/sdp/sdp_parser.hpp"

namespace webvox::sfu {
namespace {

using rtc::sdp::Direction;
using rtc::sdp::SetupRole;

struct OfferShape {
  std::size_t receive_slots = 2;
  int opus = 111;
  int audio_level = 1;
  bool data_channel = true;
  std::string setup = "actpass";
};

std::string audio_section(const std::string& mid, const std::string& direction,
                          const OfferShape& shape) {
  const auto pt = std::to_string(shape.opus);
  return "m=audio 9 UDP/TLS/RTP/SAVPF " + pt + "\r\n" +
         "c=IN IP4 0.0.0.0\r\n"
         "a=mid:" +
         mid + "\r\n" + "a=extmap:" + std::to_string(shape.audio_level) +
         " urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n" +
         "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
         "a=" +
         direction + "\r\n" +
         "a=rtcp-mux\r\n"
         "a=rtpmap:" +
         pt + " opus/48000/2\r\n" + "a=fmtp:" + pt + " minptime=10;useinbandfec=1\r\n" +
         (direction == "sendonly" ? "a=ssrc:1001234567 cname:Yq3mZ8vT2kLp9wXa\r\n" : "");
}

// What the web client offers (web/sfu.js): its microphone sendonly first, then one recvonly
// section per receive slot, then the data channel; max-bundle, session-level transport.
std::string client_offer(const OfferShape& shape = {}) {
  std::string mids = "0";
  for (std::size_t i = 1; i <= shape.receive_slots; ++i) mids += " " + std::to_string(i);
  const auto data_mid = std::to_string(shape.receive_slots + 1);
  if (shape.data_channel) mids += " " + data_mid;
  std::string text =
      "v=0\r\n"
      "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
      "s=-\r\n"
      "t=0 0\r\n"
      "a=group:BUNDLE " +
      mids + "\r\n" +
      "a=ice-ufrag:EsAw\r\n"
      "a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r\n"
      "a=fingerprint:sha-256 D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:"
      "FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F\r\n"
      "a=setup:" +
      shape.setup + "\r\n";
  text += audio_section("0", "sendonly", shape);
  for (std::size_t i = 1; i <= shape.receive_slots; ++i) {
    text += audio_section(std::to_string(i), "recvonly", shape);
  }
  if (shape.data_channel) {
    text +=
        "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
        "c=IN IP4 0.0.0.0\r\n"
        "a=mid:" +
        data_mid + "\r\n" +
        "a=sctp-port:5000\r\n"
        "a=max-message-size:262144\r\n";
  }
  return text;
}

NegotiationSettings settings(std::size_t slots = 8) {
  rtc::sdp::Fingerprint fingerprint{"sha-256", {}};
  for (int i = 0; i < 32; ++i) fingerprint.digest.push_back(static_cast<std::uint8_t>(i * 7));
  return {rtc::sdp::ServerTransport{
              "wvx4", "serverpasswordserverpassword", fingerprint, {"198.51.100.7"}, 40000, 40001},
          slots, 7001};
}

// SSRCs 1001, 1002, … in the order they are asked for.
SsrcSource counting_ssrcs(std::uint32_t first = 1001) {
  return [next = first]() mutable { return next++; };
}

rtc::sdp::SessionDescription parsed_answer(const Negotiation& negotiation) {
  const auto parsed = rtc::sdp::parse_session_description(negotiation.answer);
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().describe());
  return parsed ? *parsed : rtc::sdp::SessionDescription{};
}

TEST(SfuNegotiation, AnswersEachReceiveSlotWithAStreamOfItsOwn) {
  const auto negotiated = negotiate(client_offer(), settings(), counting_ssrcs());
  ASSERT_TRUE(negotiated) << negotiated.error().message;
  EXPECT_EQ(negotiated->slot_mids, (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(negotiated->slot_ssrcs, (std::vector<std::uint32_t>{1001, 1002}));

  const auto answer = parsed_answer(*negotiated);
  ASSERT_EQ(answer.media.size(), 4u);  // one section per offered one, in order
  EXPECT_EQ(answer.origin.session_id, 7001u);
  EXPECT_EQ(answer.media[0].transport.ice_ufrag, "wvx4");
  // The microphone: the server receives, and sends nothing there.
  EXPECT_EQ(answer.media[0].transport.direction, Direction::RecvOnly);
  EXPECT_TRUE(answer.media[0].ssrcs.empty());
  for (std::size_t i = 1; i <= 2; ++i) {
    const auto& slot = answer.media[i];
    EXPECT_EQ(slot.mid, std::to_string(i));
    EXPECT_EQ(slot.transport.direction, Direction::SendOnly);
    const auto cname = std::find_if(slot.ssrcs.begin(), slot.ssrcs.end(),
                                    [](const auto& a) { return a.name == "cname"; });
    ASSERT_NE(cname, slot.ssrcs.end());
    EXPECT_EQ(cname->ssrc, 1000 + i);
    EXPECT_EQ(cname->value, kSlotCname);
  }
  EXPECT_EQ(answer.media[3].media, "application");
}

TEST(SfuNegotiation, DoesNotNegotiateTheMidExtension) {
  // Forwarded packets keep the speaker's extensions: a MID would misroute them at the listener.
  const auto negotiated = negotiate(client_offer(), settings(), counting_ssrcs());
  ASSERT_TRUE(negotiated);
  EXPECT_EQ(negotiated->answer.find("urn:ietf:params:rtp-hdrext:sdes:mid"), std::string::npos);
  for (const auto& section : parsed_answer(*negotiated).media) {
    if (section.media != "audio") continue;
    ASSERT_EQ(section.transport.extmaps.size(), 1u);
    EXPECT_EQ(section.transport.extmaps[0].uri, "urn:ietf:params:rtp-hdrext:ssrc-audio-level");
  }
}

TEST(SfuNegotiation, TakesNoMoreSlotsThanTheServerHas) {
  const auto negotiated =
      negotiate(client_offer({.receive_slots = 5}), settings(3), counting_ssrcs());
  ASSERT_TRUE(negotiated);
  EXPECT_EQ(negotiated->slot_mids, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(negotiated->slot_ssrcs, (std::vector<std::uint32_t>{1001, 1002, 1003}));
  // The sections beyond are answered without a stream: nothing is ever sent there.
  const auto answer = parsed_answer(*negotiated);
  ASSERT_EQ(answer.media.size(), 7u);
  EXPECT_TRUE(answer.media[4].ssrcs.empty());
  EXPECT_TRUE(answer.media[5].ssrcs.empty());
}

TEST(SfuNegotiation, ReportsFromTheFirstSlotOrAnSsrcOfItsOwn) {
  const auto with_slots = negotiate(client_offer(), settings(), counting_ssrcs());
  ASSERT_TRUE(with_slots);
  EXPECT_EQ(with_slots->rtcp.reporter_ssrc, 1001u);
  EXPECT_EQ(with_slots->rtcp.slot_ssrcs, with_slots->slot_ssrcs);
  EXPECT_EQ(with_slots->rtcp.cname, kSlotCname);

  // A speaker that receives nothing still needs an SSRC for its receiver reports.
  const auto without =
      negotiate(client_offer({.receive_slots = 0}), settings(), counting_ssrcs(5000));
  ASSERT_TRUE(without);
  EXPECT_TRUE(without->slot_mids.empty());
  EXPECT_TRUE(without->rtcp.slot_ssrcs.empty());
  EXPECT_EQ(without->rtcp.reporter_ssrc, 5000u);
}

TEST(SfuNegotiation, ReadsTheMembersFormatFromItsMicrophone) {
  // aiortc numbers Opus 96 and the audio level 2.
  const auto negotiated =
      negotiate(client_offer({.opus = 96, .audio_level = 2}), settings(), counting_ssrcs());
  ASSERT_TRUE(negotiated);
  EXPECT_EQ(negotiated->format.opus_payload_type, 96);
  EXPECT_EQ(negotiated->format.audio_level_extension_id, 2);
  EXPECT_NE(negotiated->answer.find("a=rtpmap:96 opus/48000/2"), std::string::npos);
}

TEST(SfuNegotiation, CarriesWhatTheConnectionNeeds) {
  const auto negotiated = negotiate(client_offer(), settings(), counting_ssrcs());
  ASSERT_TRUE(negotiated);
  EXPECT_EQ(negotiated->server_setup, SetupRole::Passive);  // actpass: the server answers passive
  EXPECT_EQ(negotiated->remote_ufrag, "EsAw");
  EXPECT_EQ(negotiated->remote_fingerprint.hash_function, "sha-256");
  ASSERT_EQ(negotiated->remote_fingerprint.digest.size(), 32u);
  EXPECT_EQ(negotiated->remote_fingerprint.digest.front(), 0xD2);
  EXPECT_TRUE(negotiated->data_channels);

  const auto passive = negotiate(client_offer({.data_channel = false, .setup = "passive"}),
                                 settings(), counting_ssrcs());
  ASSERT_TRUE(passive) << passive.error().message;
  EXPECT_EQ(passive->server_setup, SetupRole::Active);
  EXPECT_FALSE(passive->data_channels);
}

TEST(SfuNegotiation, RefusesWhatIsNotAnOffer) {
  bool asked = false;
  const auto negotiated = negotiate("hello", settings(), [&] {
    asked = true;
    return 1u;
  });
  ASSERT_FALSE(negotiated);
  EXPECT_EQ(negotiated.error().code, NegotiationErrorCode::BadOffer);
  EXPECT_FALSE(negotiated.error().message.empty());
  EXPECT_FALSE(asked);
}

TEST(SfuNegotiation, RefusesAnOfferItCannotAnswerSayingWhy) {
  auto text = client_offer();
  const auto line = text.find("a=fingerprint:");
  text.erase(line, text.find('\n', line) + 1 - line);
  const auto negotiated = negotiate(text, settings(), counting_ssrcs());
  ASSERT_FALSE(negotiated);
  EXPECT_EQ(negotiated.error().code, NegotiationErrorCode::BadOffer);
  EXPECT_NE(negotiated.error().message.find("fingerprint"), std::string::npos)
      << negotiated.error().message;
}

TEST(SfuNegotiation, AnAnswerThatCannotBeWrittenIsTheServersFault) {
  auto nowhere = settings();
  nowhere.transport.advertised_addresses.clear();
  const auto negotiated = negotiate(client_offer(), nowhere, counting_ssrcs());
  ASSERT_FALSE(negotiated);
  EXPECT_EQ(negotiated.error().code, NegotiationErrorCode::Internal);
  EXPECT_EQ(negotiated.error().message, "cannot write the answer");
}

TEST(SfuNegotiation, NamesItsErrorsAsTheWireDoes) {
  EXPECT_EQ(to_string(NegotiationErrorCode::BadOffer), "bad_offer");
  EXPECT_EQ(to_string(NegotiationErrorCode::Internal), "internal");
}

}  // namespace
}  // namespace webvox::sfu
