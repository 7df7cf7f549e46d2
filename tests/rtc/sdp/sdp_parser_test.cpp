#include <gtest/gtest.h>

#include "browser_offers.hpp"
#include "rtc/sdp/sdp_parser.hpp"

namespace webvox::rtc::sdp {
namespace {

using test::chromium_offer;
using test::firefox_offer;
using test::replaced;

std::size_t line_of(const std::string& text, std::string_view needle) {
  const auto at = text.find(needle);
  std::size_t line = 1;
  for (std::size_t i = 0; i < at; ++i) line += text[i] == '\n';
  return line;
}

ParseError parse_error(const std::string& text, const SdpLimits& limits = {}) {
  const auto parsed = parse_session_description(text, limits);
  EXPECT_FALSE(parsed.has_value());
  return parsed ? ParseError{ParseErrorCode::TooLarge, 999, "parsed"} : parsed.error();
}

TEST(SdpParser, ReadsChromiumSessionLevel) {
  const auto parsed = parse_session_description(chromium_offer());
  ASSERT_TRUE(parsed) << parsed.error().describe();
  EXPECT_EQ(parsed->version, 0u);
  EXPECT_EQ(parsed->origin, (Origin{"-", 4611731400430051336u, 2, "IN", "IP4", "127.0.0.1"}));
  EXPECT_EQ(parsed->session_name, "-");
  ASSERT_EQ(parsed->timings.size(), 1u);
  EXPECT_EQ(parsed->timings[0], (Timing{0, 0}));
  ASSERT_EQ(parsed->groups.size(), 1u);
  EXPECT_EQ(parsed->groups[0], (Group{"BUNDLE", {"0", "1"}}));
  EXPECT_TRUE(parsed->transport.extmap_allow_mixed);
  EXPECT_FALSE(parsed->ice_lite);
  ASSERT_EQ(parsed->other_attributes.size(), 1u);
  EXPECT_EQ(parsed->other_attributes[0].name, "msid-semantic");
  EXPECT_EQ(parsed->other_attributes[0].value, " WMS 3f5c2b1e-7c1d-4b7a-9a52-0c3a4e6b8d21");
  ASSERT_EQ(parsed->media.size(), 2u);
}

TEST(SdpParser, ReadsChromiumAudioSection) {
  const auto parsed = parse_session_description(chromium_offer());
  ASSERT_TRUE(parsed);
  const auto& audio = parsed->media[0];
  EXPECT_EQ(audio.media, "audio");
  EXPECT_EQ(audio.port, 54321);
  EXPECT_EQ(audio.proto, "UDP/TLS/RTP/SAVPF");
  EXPECT_EQ(audio.formats,
            (std::vector<std::string>{"111", "63", "9", "0", "8", "13", "110", "126"}));
  EXPECT_EQ(audio.connection, (Connection{"IN", "IP4", "203.0.113.45"}));
  EXPECT_EQ(audio.mid, "0");
  EXPECT_EQ(audio.transport.ice_ufrag, "EsAw");
  EXPECT_EQ(audio.transport.ice_pwd, "P2uYro0UCOQ4zxjKXaWCBui1");
  EXPECT_EQ(audio.transport.ice_options, std::vector<std::string>{"trickle"});
  ASSERT_EQ(audio.transport.fingerprints.size(), 1u);
  EXPECT_EQ(audio.transport.fingerprints[0].hash_function, "sha-256");
  EXPECT_EQ(audio.transport.fingerprints[0].digest.size(), 32u);
  EXPECT_EQ(audio.transport.fingerprints[0].digest.front(), 0xD2);
  EXPECT_EQ(audio.transport.fingerprints[0].digest.back(), 0x0F);
  EXPECT_EQ(audio.transport.setup, SetupRole::ActPass);
  EXPECT_EQ(audio.transport.direction, Direction::SendRecv);
  ASSERT_EQ(audio.transport.extmaps.size(), 4u);
  EXPECT_EQ(audio.transport.extmaps[0],
            (Extmap{1, std::nullopt, "urn:ietf:params:rtp-hdrext:ssrc-audio-level", ""}));
  EXPECT_EQ(audio.transport.extmaps[3].id, 4);
  EXPECT_TRUE(audio.rtcp_mux);
  EXPECT_TRUE(audio.rtcp_rsize);
  ASSERT_EQ(audio.rtpmaps.size(), 8u);
  EXPECT_EQ(audio.rtpmaps[0], (Rtpmap{111, "opus", 48000, 2}));
  EXPECT_EQ(audio.rtpmaps[2], (Rtpmap{9, "G722", 8000, std::nullopt}));
  ASSERT_EQ(audio.fmtps.size(), 2u);
  EXPECT_EQ(audio.fmtps[0], (Fmtp{111, {{"minptime", "10"}, {"useinbandfec", "1"}}}));
  EXPECT_EQ(audio.fmtps[1], (Fmtp{63, {{"111/111", ""}}}));
  ASSERT_EQ(audio.rtcp_feedback.size(), 1u);
  EXPECT_EQ(audio.rtcp_feedback[0], (RtcpFeedback{111, "transport-cc", ""}));
  ASSERT_EQ(audio.msids.size(), 1u);
  EXPECT_EQ(audio.msids[0].stream_id, "3f5c2b1e-7c1d-4b7a-9a52-0c3a4e6b8d21");
  EXPECT_EQ(audio.msids[0].track_id, "9b2e4f6a-1c3d-4e5f-8a7b-6c5d4e3f2a1b");
  ASSERT_EQ(audio.ssrcs.size(), 2u);
  EXPECT_EQ(audio.ssrcs[0], (SsrcAttribute{1001234567u, "cname", "Yq3mZ8vT2kLp9wXa"}));
  EXPECT_EQ(audio.ssrcs[1].value,
            "3f5c2b1e-7c1d-4b7a-9a52-0c3a4e6b8d21 9b2e4f6a-1c3d-4e5f-8a7b-6c5d4e3f2a1b");
  ASSERT_EQ(audio.other_attributes.size(), 1u);
  EXPECT_EQ(audio.other_attributes[0], (RawAttribute{"rtcp", "9 IN IP4 0.0.0.0", true}));
}

TEST(SdpParser, ReadsChromiumCandidates) {
  const auto parsed = parse_session_description(chromium_offer());
  ASSERT_TRUE(parsed);
  const auto& candidates = parsed->media[0].candidates;
  ASSERT_EQ(candidates.size(), 3u);
  EXPECT_EQ(candidates[0].foundation, "1467250027");
  EXPECT_EQ(candidates[0].component, 1);
  EXPECT_EQ(candidates[0].transport, CandidateTransport::Udp);
  EXPECT_EQ(candidates[0].priority, 2122260223u);
  EXPECT_EQ(candidates[0].address, "3d7c1a2e-5f3b-4c8e-9b1d-2a6f8e4c7b90.local");
  EXPECT_EQ(candidates[0].port, 54321);
  EXPECT_EQ(candidates[0].type, CandidateType::Host);
  EXPECT_EQ(candidates[0].extensions,
            (std::vector<CandidateExtension>{{"generation", "0"}, {"network-cost", "999"}}));
  EXPECT_EQ(candidates[1].transport, CandidateTransport::Tcp);
  EXPECT_EQ(candidates[1].tcp_type, TcpType::Active);
  EXPECT_EQ(candidates[1].port, 9);
  EXPECT_EQ(candidates[2].type, CandidateType::ServerReflexive);
  EXPECT_EQ(candidates[2].related_address, "0.0.0.0");
  EXPECT_EQ(candidates[2].related_port, 0);
}

TEST(SdpParser, ReadsChromiumDataChannelSection) {
  const auto parsed = parse_session_description(chromium_offer());
  ASSERT_TRUE(parsed);
  const auto& channel = parsed->media[1];
  EXPECT_EQ(channel.media, "application");
  EXPECT_EQ(channel.proto, "UDP/DTLS/SCTP");
  EXPECT_EQ(channel.formats, std::vector<std::string>{"webrtc-datachannel"});
  EXPECT_EQ(channel.mid, "1");
  EXPECT_EQ(channel.sctp_port, 5000);
  EXPECT_EQ(channel.max_message_size, 262144u);
  EXPECT_TRUE(channel.candidates.empty());
}

TEST(SdpParser, ReadsFirefoxWithBareLineFeeds) {
  const auto parsed = parse_session_description(firefox_offer());
  ASSERT_TRUE(parsed) << parsed.error().describe();
  EXPECT_EQ(parsed->origin.username, "mozilla...THIS_IS_SDPARTA-128.0");
  ASSERT_EQ(parsed->transport.fingerprints.size(), 2u);
  EXPECT_EQ(parsed->transport.fingerprints[0].hash_function, "sha-384");
  EXPECT_EQ(parsed->transport.fingerprints[0].digest.size(), 48u);
  EXPECT_EQ(parsed->transport.fingerprints[1].hash_function, "sha-256");
  EXPECT_EQ(parsed->transport.ice_options, std::vector<std::string>{"trickle"});
  const auto& audio = parsed->media[0];
  EXPECT_TRUE(audio.end_of_candidates);
  ASSERT_EQ(audio.candidates.size(), 2u);
  EXPECT_EQ(audio.candidates[0].transport, CandidateTransport::Udp);  // written "UDP"
  EXPECT_EQ(audio.candidates[1].tcp_type, TcpType::Active);
  EXPECT_EQ(audio.transport.extmaps[1].direction, Direction::RecvOnly);
  EXPECT_EQ(audio.fmtps[0].parameters,
            (std::vector<FormatParameter>{
                {"maxplaybackrate", "48000"}, {"stereo", "1"}, {"useinbandfec", "1"}}));
  EXPECT_EQ(audio.msids[0].stream_id, "{5a7c1e3b-2d4f-4a6b-8c9d-0e1f2a3b4c5d}");
  EXPECT_EQ(parsed->media[1].max_message_size, 1073741823u);
  EXPECT_EQ(parsed->media[1].transport.direction, Direction::SendRecv);
}

TEST(SdpParser, RejectsMalformedCandidateWithItsLine) {
  for (const auto* bad :
       {"54321 typ host generation", "54321 type host", "99999 typ host", "54321 typ nat"}) {
    const auto text =
        replaced(chromium_offer(), "54321 typ host generation 0 network-cost 999", bad);
    const auto error = parse_error(text);
    EXPECT_EQ(error.code, ParseErrorCode::MalformedCandidate) << bad;
    EXPECT_EQ(error.line, line_of(text, "a=candidate:1467250027")) << bad;
    EXPECT_EQ(error.attribute, "candidate");
  }
}

TEST(SdpParser, RejectsTcpCandidateWithoutTcpType) {
  const auto text = replaced(chromium_offer(), " tcptype active", "");
  EXPECT_EQ(parse_error(text).code, ParseErrorCode::MalformedCandidate);
}

TEST(SdpParser, RejectsBadFingerprints) {
  for (const auto* bad : {"a=fingerprint:sha-256 D2:FA:00", "a=fingerprint:sha-256 D2FA0E",
                          "a=fingerprint:sha-256 ZZ:FA", "a=fingerprint:sha-256"}) {
    const auto text = replaced(chromium_offer(), "a=fingerprint:sha-256 D2:FA", bad);
    const auto error = parse_error(text);
    EXPECT_EQ(error.code, ParseErrorCode::MalformedFingerprint) << bad;
    EXPECT_EQ(error.attribute, "fingerprint");
  }
}

TEST(SdpParser, RejectsOverLongLine) {
  const auto text =
      replaced(chromium_offer(), "a=ice-options:trickle", "a=x-padding:" + std::string(2000, 'a'));
  const auto error = parse_error(text);
  EXPECT_EQ(error.code, ParseErrorCode::LineTooLong);
  EXPECT_EQ(error.line, line_of(text, "a=x-padding"));
}

TEST(SdpParser, RejectsTooManyMediaSections) {
  std::string text = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";
  for (int i = 0; i < 65; ++i)
    text += "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:" + std::to_string(i) + "\r\n";
  const auto error = parse_error(text);
  EXPECT_EQ(error.code, ParseErrorCode::TooManyMediaSections);
  EXPECT_EQ(error.line, 4u + 64u * 2u + 1u);
}

TEST(SdpParser, EnforcesSizeLineAndAttributeLimits) {
  EXPECT_EQ(parse_error(chromium_offer(), SdpLimits{.max_bytes = 1000}).code,
            ParseErrorCode::TooLarge);
  EXPECT_EQ(parse_error(chromium_offer(), SdpLimits{.max_lines = 20}).code,
            ParseErrorCode::TooManyLines);
  const auto error = parse_error(chromium_offer(), SdpLimits{.max_attributes_per_level = 10});
  EXPECT_EQ(error.code, ParseErrorCode::TooManyAttributes);
  EXPECT_EQ(error.line, line_of(chromium_offer(), "a=extmap:1 "));  // 11th in the section
}

TEST(SdpParser, RejectsStructuralProblems) {
  EXPECT_EQ(parse_error("").code, ParseErrorCode::MissingVersion);
  EXPECT_EQ(parse_error(replaced(chromium_offer(), "v=0", "v=1")).code,
            ParseErrorCode::UnsupportedVersion);
  EXPECT_EQ(parse_error(replaced(chromium_offer(), "s=-\r\n", "")).code,
            ParseErrorCode::LineOutOfOrder);
  EXPECT_EQ(parse_error("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\n").code,
            ParseErrorCode::MissingTiming);
  EXPECT_EQ(parse_error(replaced(chromium_offer(), "o=- 4611731400430051336 2", "o=- x 2")).code,
            ParseErrorCode::MalformedOrigin);
  EXPECT_EQ(parse_error(replaced(chromium_offer(), "m=application 54321", "m=application x")).code,
            ParseErrorCode::MalformedMedia);
  EXPECT_EQ(parse_error(replaced(chromium_offer(), "a=rtcp-mux", "rtcp-mux")).code,
            ParseErrorCode::MalformedLine);
  EXPECT_EQ(parse_error(replaced(chromium_offer(), "a=rtcp-mux", "x=rtcp-mux")).code,
            ParseErrorCode::UnknownLineType);
  EXPECT_EQ(
      parse_error(replaced(chromium_offer(), "a=rtcp-mux", std::string("a=rtcp\0mux", 10))).code,
      ParseErrorCode::InvalidCharacter);
}

TEST(SdpParser, RejectsMalformedKnownAttributes) {
  struct Case {
    const char* from;
    const char* to;
    ParseErrorCode code;
    const char* attribute;
  };
  const Case cases[] = {
      {"a=rtpmap:111 opus/48000/2", "a=rtpmap:128 opus/48000/2", ParseErrorCode::MalformedAttribute,
       "rtpmap"},
      {"a=extmap:1 urn", "a=extmap:0 urn", ParseErrorCode::MalformedAttribute, "extmap"},
      {"a=setup:actpass", "a=setup:maybe", ParseErrorCode::MalformedAttribute, "setup"},
      {"a=ice-ufrag:EsAw", "a=ice-ufrag:Es", ParseErrorCode::MalformedAttribute, "ice-ufrag"},
      {"a=mid:0", "a=mid:0\r\na=mid:2", ParseErrorCode::DuplicateAttribute, "mid"},
      {"a=ssrc:1001234567 cname", "a=ssrc:x cname", ParseErrorCode::MalformedAttribute, "ssrc"},
      {"a=sctp-port:5000", "a=sctp-port:70000", ParseErrorCode::MalformedAttribute, "sctp-port"},
      {"a=rtcp-mux", "a=rtcp-mux:yes", ParseErrorCode::MalformedAttribute, "rtcp-mux"},
      {"a=extmap-allow-mixed", "a=mid:0", ParseErrorCode::AttributeAtWrongLevel, "mid"},
      {"a=rtcp-rsize", "a=group:BUNDLE 0", ParseErrorCode::AttributeAtWrongLevel, "group"},
  };
  for (const auto& c : cases) {
    const auto error = parse_error(replaced(chromium_offer(), c.from, c.to));
    EXPECT_EQ(error.code, c.code) << c.to;
    EXPECT_EQ(error.attribute, c.attribute) << c.to;
  }
}

TEST(Candidate, RoundTripsThroughItsText) {
  const auto parsed = parse_candidate_attribute(
      "candidate:3 1 tcp 1518280447 2001:db8::7 443 typ host tcptype passive generation 0");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->address, "2001:db8::7");
  EXPECT_EQ(parsed->tcp_type, TcpType::Passive);
  const auto again = parse_candidate(format_candidate(*parsed));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *parsed);
  EXPECT_FALSE(parse_candidate_attribute("candidate:3 1 udp 1 1.2.3.4 1 host"));  // no typ
  EXPECT_FALSE(parse_candidate("3 0 udp 1 1.2.3.4 1 typ host"));                  // component 0
  EXPECT_FALSE(parse_candidate("3 1 sctp 1 1.2.3.4 1 typ host"));                 // transport
  EXPECT_FALSE(parse_candidate("3 1 udp 1 1.2.3.4 1 typ host raddr"));            // odd pair
}

}  // namespace
}  // namespace webvox::rtc::sdp
