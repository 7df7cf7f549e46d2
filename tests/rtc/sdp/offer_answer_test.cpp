#include <gtest/gtest.h>

#include "browser_offers.hpp"
#include "rtc/sdp/answer_builder.hpp"
#include "rtc/sdp/offer_validation.hpp"
#include "rtc/sdp/sdp_parser.hpp"

namespace webvox::rtc::sdp {
namespace {

using test::chromium_offer;
using test::firefox_offer;
using test::replaced;
using test::without_lines_containing;

BrowserOffer validated(const std::string& text) {
  const auto parsed = parse_session_description(text);
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().describe());
  if (!parsed) return {};
  const auto offer = validate_offer(*parsed);
  EXPECT_TRUE(offer) << (offer ? "" : offer.error().describe());
  return offer ? *offer : BrowserOffer{};
}

OfferError offer_error(const std::string& text) {
  const auto parsed = parse_session_description(text);
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().describe());
  if (!parsed) return {OfferErrorCode::NoMediaSections, 999, "unparsed"};
  const auto offer = validate_offer(*parsed);
  EXPECT_FALSE(offer);
  return offer ? OfferError{OfferErrorCode::NoMediaSections, 999, "accepted"} : offer.error();
}

Fingerprint server_fingerprint() {
  Fingerprint fingerprint{"sha-256", {}};
  for (int i = 0; i < 32; ++i) fingerprint.digest.push_back(static_cast<std::uint8_t>(i * 7));
  return fingerprint;
}

ServerTransport server_transport() {
  return ServerTransport{"wvx4",
                         "serverpasswordserverpassword",
                         server_fingerprint(),
                         {"198.51.100.7", "2001:db8::7"},
                         40000,
                         40001};
}

AnswerOptions answer_options() {
  AnswerOptions options;
  options.session_id = 7001;
  options.session_version = 3;
  options.transport = server_transport();
  return options;
}

TEST(OfferValidation, ExtractsWhatTheServerNeedsFromChromium) {
  const auto offer = validated(chromium_offer());
  EXPECT_EQ(offer.ice, (IceCredentials{"EsAw", "P2uYro0UCOQ4zxjKXaWCBui1"}));
  EXPECT_EQ(offer.fingerprint.hash_function, "sha-256");
  EXPECT_EQ(offer.fingerprint.digest.front(), 0xD2);
  EXPECT_EQ(offer.offered_setup, SetupRole::ActPass);
  EXPECT_EQ(offer.server_setup, SetupRole::Passive);
  EXPECT_EQ(offer.bundle_mids, (std::vector<std::string>{"0", "1"}));
  ASSERT_EQ(offer.sections.size(), 2u);
  const auto& audio = std::get<OfferedAudio>(offer.sections[0]);
  EXPECT_EQ(audio.mid, "0");
  EXPECT_EQ(audio.direction, Direction::SendRecv);
  EXPECT_EQ(audio.opus_payload_type, 111);
  EXPECT_EQ(audio.opus_parameters,
            (std::vector<FormatParameter>{{"minptime", "10"}, {"useinbandfec", "1"}}));
  EXPECT_EQ(audio.audio_level_extension_id, 1);
  EXPECT_EQ(audio.transport_cc_extension_id, 3);
  EXPECT_EQ(audio.mid_extension_id, 4);
  EXPECT_EQ(audio.send_ssrcs, std::vector<std::uint32_t>{1001234567u});
  ASSERT_TRUE(audio.msid);
  EXPECT_EQ(audio.msid->track_id, "9b2e4f6a-1c3d-4e5f-8a7b-6c5d4e3f2a1b");
  const auto& channel = std::get<OfferedDataChannel>(offer.sections[1]);
  EXPECT_EQ(channel.mid, "1");
  EXPECT_EQ(channel.sctp_port, 5000);
  EXPECT_EQ(channel.max_message_size, 262144u);
}

TEST(OfferValidation, PicksSha256AmongFirefoxSessionFingerprints) {
  const auto offer = validated(firefox_offer());
  EXPECT_EQ(offer.ice, (IceCredentials{"7f3e2d1c", "1b8a5c1f0e2d3c4b5a69788796a5b4c3"}));
  EXPECT_EQ(offer.fingerprint.hash_function, "sha-256");
  EXPECT_EQ(offer.fingerprint.digest.front(), 0x5A);
  const auto& audio = std::get<OfferedAudio>(offer.sections[0]);
  EXPECT_EQ(audio.opus_payload_type, 109);
  EXPECT_EQ(audio.audio_level_extension_id, 1);
  EXPECT_FALSE(audio.transport_cc_extension_id);
  EXPECT_EQ(audio.send_ssrcs, std::vector<std::uint32_t>{2983741650u});
  EXPECT_EQ(audio.msid->stream_id, "{5a7c1e3b-2d4f-4a6b-8c9d-0e1f2a3b4c5d}");
  EXPECT_EQ(std::get<OfferedDataChannel>(offer.sections[1]).max_message_size, 1073741823u);
}

TEST(OfferValidation, SessionLevelCredentialsAreEnough) {
  auto text = without_lines_containing(chromium_offer(), "a=ice-");
  text = replaced(
      text, "a=extmap-allow-mixed\r\n",
      "a=extmap-allow-mixed\r\na=ice-ufrag:SeSs\r\na=ice-pwd:sessionpasswordsessionpw\r\n");
  EXPECT_EQ(validated(text).ice, (IceCredentials{"SeSs", "sessionpasswordsessionpw"}));
}

TEST(OfferValidation, SaysExactlyWhatIsUnacceptable) {
  struct Case {
    std::string text;
    OfferErrorCode code;
    std::optional<std::size_t> section;
  };
  const Case cases[] = {
      {without_lines_containing(chromium_offer(), "a=ice-ufrag"),
       OfferErrorCode::MissingIceCredentials, 0},
      {without_lines_containing(firefox_offer(), "a=fingerprint:sha-256"),
       OfferErrorCode::NoSha256Fingerprint, 0},
      {without_lines_containing(firefox_offer(), "a=fingerprint"),
       OfferErrorCode::MissingFingerprint, 0},
      {without_lines_containing(chromium_offer(), "opus"), OfferErrorCode::NoOpus, 0},
      {replaced(chromium_offer(), "opus/48000/2", "opus/48000/1"), OfferErrorCode::OpusNotStereo48k,
       0},
      {without_lines_containing(chromium_offer(), "a=group"), OfferErrorCode::MissingBundleGroup,
       std::nullopt},
      {replaced(chromium_offer(), "a=group:BUNDLE 0 1", "a=group:BUNDLE 0"),
       OfferErrorCode::SectionNotBundled, 1},
      {without_lines_containing(chromium_offer(), "a=setup"), OfferErrorCode::MissingSetup, 0},
      {replaced(chromium_offer(), "a=setup:actpass", "a=setup:holdconn"),
       OfferErrorCode::UnacceptableSetupRole, 0},
      {without_lines_containing(chromium_offer(), "a=rtcp-mux"), OfferErrorCode::MissingRtcpMux, 0},
      {without_lines_containing(chromium_offer(), "a=sctp-port"), OfferErrorCode::MissingSctpPort,
       1},
      {replaced(chromium_offer(), "a=mid:1", "a=mid:0"), OfferErrorCode::DuplicateMid, 1},
      {without_lines_containing(chromium_offer(), "a=mid:1"), OfferErrorCode::MissingMid, 1},
      {replaced(chromium_offer(),
                "a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r\na=ice-options:trickle\r\n"
                "a=fingerprint:sha-256 D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:"
                "B4:84:24:2C:C2:A2:C0:3E:FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F\r\n"
                "a=setup:actpass\r\na=mid:1",
                "a=ice-pwd:OtherPasswordOtherPasswd\r\na=ice-options:trickle\r\n"
                "a=fingerprint:sha-256 D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:"
                "B4:84:24:2C:C2:A2:C0:3E:FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F\r\n"
                "a=setup:actpass\r\na=mid:1"),
       OfferErrorCode::InconsistentIceCredentials, 1},
      {replaced(chromium_offer(), "m=audio 54321", "m=audio 0"), OfferErrorCode::NoAudioSection,
       std::nullopt},
  };
  for (const auto& c : cases) {
    const auto error = offer_error(c.text);
    EXPECT_EQ(error.code, c.code) << to_string(c.code) << " got " << error.describe();
    EXPECT_EQ(error.section, c.section) << to_string(c.code);
  }
}

TEST(OfferValidation, ServerTakesTheRoleTheBrowserLeaves) {
  EXPECT_EQ(validated(replaced(replaced(chromium_offer(), "a=setup:actpass", "a=setup:active"),
                               "a=setup:actpass", "a=setup:active"))
                .server_setup,
            SetupRole::Passive);
  EXPECT_EQ(validated(replaced(replaced(chromium_offer(), "a=setup:actpass", "a=setup:passive"),
                               "a=setup:actpass", "a=setup:passive"))
                .server_setup,
            SetupRole::Active);
}

TEST(AnswerWriter, AnswerParsesBackWithEveryField) {
  const auto offer = validated(chromium_offer());
  const auto answer_text = write_answer(offer, answer_options());
  ASSERT_TRUE(answer_text) << to_string(answer_text.error().code);
  const auto answer = parse_session_description(*answer_text);
  ASSERT_TRUE(answer) << answer.error().describe() << "\n" << *answer_text;

  EXPECT_TRUE(answer->ice_lite);
  EXPECT_EQ(answer->origin.session_id, 7001u);
  EXPECT_EQ(answer->origin.session_version, 3u);
  ASSERT_EQ(answer->groups.size(), 1u);
  EXPECT_EQ(answer->groups[0], (Group{"BUNDLE", {"0", "1"}}));
  ASSERT_EQ(answer->media.size(), 2u);
  for (const auto& media : answer->media) {
    EXPECT_EQ(media.port, 40000);
    EXPECT_EQ(media.connection, (Connection{"IN", "IP4", "198.51.100.7"}));
    EXPECT_EQ(media.transport.ice_ufrag, "wvx4");
    EXPECT_EQ(media.transport.ice_pwd, "serverpasswordserverpassword");
    ASSERT_EQ(media.transport.fingerprints.size(), 1u);
    EXPECT_EQ(media.transport.fingerprints[0], server_fingerprint());
    EXPECT_EQ(media.transport.setup, SetupRole::Passive);
  }

  const auto& audio = answer->media[0];
  EXPECT_EQ(audio.media, "audio");
  EXPECT_EQ(audio.proto, "UDP/TLS/RTP/SAVPF");
  EXPECT_EQ(audio.formats, std::vector<std::string>{"111"});
  EXPECT_EQ(audio.mid, "0");
  EXPECT_EQ(audio.transport.direction, Direction::RecvOnly);  // browser sends, no slot here
  EXPECT_EQ(audio.rtpmaps, (std::vector<Rtpmap>{{111, "opus", 48000, 2}}));
  EXPECT_EQ(audio.fmtps, (std::vector<Fmtp>{{111, {{"minptime", "10"}, {"useinbandfec", "1"}}}}));
  EXPECT_EQ(audio.transport.extmaps,
            (std::vector<Extmap>{{1, std::nullopt, std::string(kAudioLevelUri), ""},
                                 {4, std::nullopt, std::string(kMidUri), ""}}));
  EXPECT_TRUE(audio.rtcp_mux);
  EXPECT_TRUE(audio.rtcp_rsize);
  EXPECT_TRUE(audio.ssrcs.empty());
  EXPECT_TRUE(audio.msids.empty());
  EXPECT_TRUE(audio.end_of_candidates);
  ASSERT_EQ(audio.candidates.size(), 4u);
  EXPECT_EQ(audio.candidates[0].transport, CandidateTransport::Udp);
  EXPECT_EQ(audio.candidates[0].address, "198.51.100.7");
  EXPECT_EQ(audio.candidates[0].port, 40000);
  EXPECT_EQ(audio.candidates[1].address, "2001:db8::7");
  EXPECT_EQ(audio.candidates[2].transport, CandidateTransport::Tcp);
  EXPECT_EQ(audio.candidates[2].tcp_type, TcpType::Passive);
  EXPECT_EQ(audio.candidates[2].port, 40001);
  EXPECT_EQ(audio.candidates[3].address, "2001:db8::7");
  for (const auto& candidate : audio.candidates) {
    EXPECT_EQ(candidate.type, CandidateType::Host);
    EXPECT_EQ(candidate.component, 1);
    EXPECT_GT(audio.candidates[1].priority, audio.candidates[2].priority);  // UDP over TCP
  }
  EXPECT_GT(audio.candidates[0].priority, audio.candidates[1].priority);
  EXPECT_NE(audio.candidates[0].foundation, audio.candidates[2].foundation);

  const auto& channel = answer->media[1];
  EXPECT_EQ(channel.media, "application");
  EXPECT_EQ(channel.proto, "UDP/DTLS/SCTP");
  EXPECT_EQ(channel.mid, "1");
  EXPECT_EQ(channel.sctp_port, 5000);
  EXPECT_EQ(channel.max_message_size, kServerMaxMessageSize);
  EXPECT_TRUE(channel.candidates.empty());  // bundled: only the tag section carries them
}

TEST(AnswerWriter, AnswerValidatesLikeAnOffer) {
  const auto text = write_answer(validated(firefox_offer()), answer_options());
  ASSERT_TRUE(text);
  const auto again = validated(*text);
  EXPECT_EQ(again.ice, (IceCredentials{"wvx4", "serverpasswordserverpassword"}));
  EXPECT_EQ(again.fingerprint, server_fingerprint());
  EXPECT_EQ(again.offered_setup, SetupRole::Passive);
  EXPECT_EQ(std::get<OfferedAudio>(again.sections[0]).opus_payload_type, 109);
}

TEST(AnswerWriter, SendsSlotStreamsWhereTheBrowserReceives) {
  auto offer_text = replaced(chromium_offer(), "a=group:BUNDLE 0 1", "a=group:BUNDLE 0 1 2");
  offer_text +=
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:2\r\n"
      "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\na=recvonly\r\n"
      "a=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n";
  auto options = answer_options();
  options.slot_streams = {{"2", {424242u, "webvox-slot", "webvox", "slot-2"}}};
  const auto text = write_answer(validated(offer_text), options);
  ASSERT_TRUE(text);
  const auto answer = parse_session_description(*text);
  ASSERT_TRUE(answer);
  ASSERT_EQ(answer->media.size(), 3u);
  const auto& slot = answer->media[2];
  EXPECT_EQ(slot.transport.direction, Direction::SendOnly);
  EXPECT_EQ(slot.msids, (std::vector<Msid>{{"webvox", "slot-2"}}));
  ASSERT_EQ(slot.ssrcs.size(), 2u);
  EXPECT_EQ(slot.ssrcs[0], (SsrcAttribute{424242u, "cname", "webvox-slot"}));
  EXPECT_EQ(slot.ssrcs[1], (SsrcAttribute{424242u, "msid", "webvox slot-2"}));
  EXPECT_EQ(answer->groups[0].mids, (std::vector<std::string>{"0", "1", "2"}));
}

TEST(AnswerWriter, RejectsVideoWithPortZeroOutsideTheBundle) {
  auto offer_text = replaced(chromium_offer(), "a=group:BUNDLE 0 1", "a=group:BUNDLE 0 1 2");
  offer_text +=
      "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\nc=IN IP4 0.0.0.0\r\na=mid:2\r\n"
      "a=rtcp-mux\r\na=rtpmap:96 VP8/90000\r\na=rtpmap:97 rtx/90000\r\n";
  const auto offer = validated(offer_text);
  ASSERT_EQ(offer.sections.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<RejectedSection>(offer.sections[2]));
  const auto answer = parse_session_description(*write_answer(offer, answer_options()));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->media[2].media, "video");
  EXPECT_EQ(answer->media[2].port, 0);
  EXPECT_EQ(answer->media[2].mid, "2");
  EXPECT_EQ(answer->groups[0].mids, (std::vector<std::string>{"0", "1"}));
}

LocalDescription renegotiation_offer() {
  LocalDescription description;
  description.session_id = 7001;
  description.session_version = 4;
  description.transport = server_transport();
  description.sections.push_back(LocalAudioSection{"0", Direction::RecvOnly, 111, 1, 4, {}});
  description.sections.push_back(LocalDataChannelSection{"1"});
  for (std::uint32_t slot = 0; slot < 8; ++slot) {
    const auto mid = std::to_string(2 + slot);
    description.sections.push_back(LocalAudioSection{
        mid, Direction::SendOnly, 111, 1, 4,
        SendStream{1000 + slot, "webvox", "webvox", "slot-" + std::to_string(slot)}});
  }
  return description;
}

TEST(ServerOffer, AddsSlotsAndReadsBackAsAValidOffer) {
  const auto text = write_server_offer(renegotiation_offer());
  ASSERT_TRUE(text) << to_string(text.error().code);
  const auto parsed = parse_session_description(*text);
  ASSERT_TRUE(parsed) << parsed.error().describe();
  ASSERT_EQ(parsed->media.size(), 10u);
  EXPECT_EQ(parsed->groups[0].mids.size(), 10u);
  EXPECT_EQ(parsed->origin.session_version, 4u);
  for (std::size_t i = 2; i < 10; ++i) {
    const auto& slot = parsed->media[i];
    EXPECT_EQ(slot.transport.setup, SetupRole::ActPass);
    EXPECT_EQ(slot.transport.direction, Direction::SendOnly);
    ASSERT_FALSE(slot.ssrcs.empty());
    EXPECT_EQ(slot.ssrcs[0].ssrc, 1000 + (i - 2));
  }
  const auto offer = validate_offer(*parsed);
  ASSERT_TRUE(offer) << offer.error().describe();
  EXPECT_EQ(offer->server_setup, SetupRole::Passive);
  EXPECT_EQ(std::get<OfferedAudio>(offer->sections[5]).send_ssrcs,
            std::vector<std::uint32_t>{1003});
}

TEST(DescriptionWriter, RefusesWhatABrowserWouldNot) {
  auto sha1 = renegotiation_offer();
  sha1.transport.fingerprint = Fingerprint{"sha-1", std::vector<std::uint8_t>(20, 1)};
  EXPECT_EQ(write_server_offer(sha1).error().code, WriteErrorCode::FingerprintNotSha256);

  auto no_address = renegotiation_offer();
  no_address.transport.advertised_addresses.clear();
  EXPECT_EQ(write_server_offer(no_address).error().code, WriteErrorCode::NoAdvertisedAddress);

  auto bad_address = renegotiation_offer();
  bad_address.transport.advertised_addresses = {"1.2.3.4 typ relay"};
  EXPECT_EQ(write_server_offer(bad_address).error().code, WriteErrorCode::InvalidAdvertisedAddress);

  auto short_pwd = renegotiation_offer();
  short_pwd.transport.ice_pwd = "short";
  EXPECT_EQ(write_server_offer(short_pwd).error().code, WriteErrorCode::InvalidIceCredentials);

  auto silent_slot = renegotiation_offer();
  std::get<LocalAudioSection>(silent_slot.sections[2]).send_stream.reset();
  EXPECT_EQ(write_server_offer(silent_slot).error().code, WriteErrorCode::SendingWithoutStream);

  auto same_mid = renegotiation_offer();
  std::get<LocalDataChannelSection>(same_mid.sections[1]).mid = "0";
  EXPECT_EQ(write_server_offer(same_mid).error().code, WriteErrorCode::DuplicateMid);

  auto answer_actpass = renegotiation_offer();
  answer_actpass.setup = SetupRole::ActPass;
  EXPECT_EQ(write_description(answer_actpass).error().code,
            WriteErrorCode::SetupRoleDoesNotFitType);
}

}  // namespace
}  // namespace webvox::rtc::sdp
