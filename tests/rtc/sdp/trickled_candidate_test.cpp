// Trickled candidates as they arrive: from the SL viewer without the "candidate:" prefix
// (spec §2.4, written by llwebrtc's iceCandidateToTrickleString), from browsers with it.
// The Chromium strings were trickled by Chromium 156 on loopback for the viewer's offer shape.
#include <gtest/gtest.h>

#include "rtc/sdp/candidate.hpp"

namespace webvox::rtc::sdp {
namespace {

Candidate parsed_or_fail(std::string_view text) {
  auto candidate = parse_candidate_attribute(text);
  EXPECT_TRUE(candidate) << text;
  return candidate ? std::move(*candidate) : Candidate{};
}

TEST(TrickledCandidate, ReadsTheViewersHostCandidateWithoutPrefix) {
  const auto candidate = parsed_or_fail("1132687167 1 udp 2122260223 127.0.0.1 57752 typ host");
  EXPECT_EQ(candidate.foundation, "1132687167");
  EXPECT_EQ(candidate.component, 1);
  EXPECT_EQ(candidate.transport, CandidateTransport::Udp);
  EXPECT_EQ(candidate.priority, 2122260223u);
  EXPECT_EQ(candidate.address, "127.0.0.1");
  EXPECT_EQ(candidate.port, 57752);
  EXPECT_EQ(candidate.type, CandidateType::Host);
  EXPECT_FALSE(candidate.related_address);
  EXPECT_FALSE(candidate.tcp_type);
  EXPECT_TRUE(candidate.extensions.empty());
}

TEST(TrickledCandidate, PrefixOrNotGivesTheSameCandidate) {
  constexpr std::string_view kBare = "1132687167 1 udp 2122260223 127.0.0.1 57752 typ host";
  const auto bare = parsed_or_fail(kBare);
  EXPECT_EQ(parsed_or_fail("candidate:" + std::string(kBare)), bare);
  EXPECT_EQ(parsed_or_fail("a=candidate:" + std::string(kBare)), bare);
  EXPECT_EQ(parsed_or_fail(" " + std::string(kBare) + "\r\n"), bare);
  // Chromium's own string: the same fields, then its extensions, kept in order.
  const auto chromium = parsed_or_fail(
      "candidate:1132687167 1 udp 2122260223 127.0.0.1 57752 typ host generation 0 ufrag yk1W "
      "network-id 1 network-cost 50");
  EXPECT_EQ(chromium.address, bare.address);
  EXPECT_EQ(chromium.port, bare.port);
  EXPECT_EQ(
      chromium.extensions,
      (std::vector<CandidateExtension>{
          {"generation", "0"}, {"ufrag", "yk1W"}, {"network-id", "1"}, {"network-cost", "50"}}));
}

TEST(TrickledCandidate, ReadsTcpActiveOnPortNine) {
  // Gathered for both m-lines before bundling settles (spec correction 4); never dialled.
  for (const auto* text :
       {"3173628843 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active",
        "candidate:3173628843 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active generation 0 "
        "ufrag yk1W network-id 1 network-cost 50"}) {
    const auto candidate = parsed_or_fail(text);
    EXPECT_EQ(candidate.transport, CandidateTransport::Tcp) << text;
    EXPECT_EQ(candidate.tcp_type, TcpType::Active) << text;
    EXPECT_EQ(candidate.port, 9) << text;
  }
  // RFC 6544: a TCP candidate without its tcptype is not one.
  EXPECT_FALSE(parse_candidate_attribute("3173628843 1 tcp 1518280447 127.0.0.1 9 typ host"));
}

TEST(TrickledCandidate, ReadsMdnsHostNamesAndIpv6) {
  const auto mdns = parsed_or_fail(
      "1467250027 1 udp 2122260223 3d7c1a2e-5f3b-4c8e-9b1d-2a6f8e4c7b90.local 54321 typ host");
  EXPECT_EQ(mdns.address, "3d7c1a2e-5f3b-4c8e-9b1d-2a6f8e4c7b90.local");
  const auto ipv6 = parsed_or_fail("2441287419 1 udp 2122197247 2001:db8::1c2 60011 typ host");
  EXPECT_EQ(ipv6.address, "2001:db8::1c2");
  EXPECT_EQ(ipv6.port, 60011);
  const auto tcp6 = parsed_or_fail(
      "candidate:3529452919 1 tcp 1518217471 2001:db8::1c2 9 typ host tcptype active");
  EXPECT_EQ(tcp6.address, "2001:db8::1c2");
  EXPECT_EQ(tcp6.tcp_type, TcpType::Active);
}

TEST(TrickledCandidate, ReadsReflexiveAndRelayedWithTheirBase) {
  const auto srflx = parsed_or_fail(
      "842163049 1 udp 1686052607 203.0.113.45 60010 typ srflx raddr 192.0.2.20 rport 60010");
  EXPECT_EQ(srflx.type, CandidateType::ServerReflexive);
  EXPECT_EQ(srflx.related_address, "192.0.2.20");
  EXPECT_EQ(srflx.related_port, 60010);
  const auto prflx = parsed_or_fail(
      "4105628283 1 udp 1845501695 203.0.113.45 60012 typ prflx raddr 192.0.2.20 rport 60012");
  EXPECT_EQ(prflx.type, CandidateType::PeerReflexive);
  const auto relay = parsed_or_fail(
      "3264929419 1 udp 41885439 198.51.100.3 3478 typ relay raddr 203.0.113.45 rport 60010");
  EXPECT_EQ(relay.type, CandidateType::Relayed);
  EXPECT_EQ(relay.related_port, 60010);
}

TEST(TrickledCandidate, RefusesWhatIsNotACandidate) {
  for (const auto* text : {
           "",
           "candidate:",
           "completed",
           "a=ice-ufrag:1132687167 1 udp 2122260223 127.0.0.1 57752 typ host",  // another a=
           "1132687167 1 udp 2122260223  57752 typ host",  // an address the viewer left empty
           "1132687167 1 udp 2122260223 127.0.0.1 57752 typ",
           "1132687167 1 udp 2122260223 127.0.0.1 57752 typ host raddr",
           "1132687167 1 ssltcp 2122260223 127.0.0.1 57752 typ host",
           "1132687167 1 udp 2122260223 127.0.0.1 70000 typ host",
           "candidate:candidate:1132687167 1 udp 2122260223 127.0.0.1 57752 typ host",
       }) {
    EXPECT_FALSE(parse_candidate_attribute(text)) << '"' << text << '"';
  }
}

}  // namespace
}  // namespace webvox::rtc::sdp
