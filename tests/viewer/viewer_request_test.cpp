#include "viewer/viewer_request.hpp"

#include <gtest/gtest.h>

#include <string>

#include "viewer_offer.hpp"

namespace webvox::viewer {
namespace {

using nlohmann::json;

constexpr const char* kRegion = "11111111-2222-3333-4444-555555555555";
constexpr const char* kGridHash = "9d6f0c3a-51b7-4c71-8e8e-0123456789ab";

base::Uuid region() { return *base::parse_uuid(kRegion); }

json offer() { return json{{"type", "offer"}, {"sdp", test::kViewerOffer}}; }

// What requestVoiceConnection sends for a parcel channel ([SL] llvoicewebrtc.cpp).
json local_request() {
  return json{{"jsep", offer()},
              {"channel_type", "local"},
              {"parcel_local_id", 12},
              {"voice_server_type", "webrtc"}};
}

json multiagent_request() {
  return json{{"jsep", offer()},
              {"channel_type", "multiagent"},
              {"channel", "sip:confctl-b0b0b0b0@webrtc"},
              {"credentials", "Xf3_aG"},
              {"voice_server_type", "webrtc"},
              {"gridhash", kGridHash}};
}

template <typename T>
T accepted(const ProvisionRequestMap& map) {
  if (!map) {
    ADD_FAILURE() << "refused: " << to_string(map.error());
    return {};
  }
  if (!std::holds_alternative<T>(*map)) {
    ADD_FAILURE() << "parsed as the other kind of request";
    return {};
  }
  return std::get<T>(*map);
}

RequestMapError refused(const ProvisionRequestMap& map) {
  if (map) {
    ADD_FAILURE() << "accepted";
    return RequestMapError::NotAnObject;
  }
  return map.error();
}

TEST(ProvisionRequest, ParcelConnection) {
  const auto connect = accepted<ConnectRequest>(parse_provision_request(local_request()));
  EXPECT_EQ(connect.channel_type, ChannelType::Local);
  EXPECT_EQ(connect.offer_sdp, test::kViewerOffer);
  EXPECT_EQ(connect.parcel_local_id, 12);
  const auto key = room_key_of(connect, region());
  EXPECT_EQ(key.id, "11111111-2222-3333-4444-555555555555/local/12");
  EXPECT_TRUE(key.spatial);
  EXPECT_EQ(key.region_id, kRegion);
  EXPECT_EQ(key.parcel_local_id, 12);
}

TEST(ProvisionRequest, EstateConnectionHasNoParcel) {
  auto request = local_request();
  request.erase("parcel_local_id");
  const auto connect = accepted<ConnectRequest>(parse_provision_request(request));
  EXPECT_FALSE(connect.parcel_local_id);
  const auto key = room_key_of(connect, region());
  EXPECT_EQ(key.id, "11111111-2222-3333-4444-555555555555/local/-999");
  EXPECT_FALSE(key.parcel_local_id);

  // The addon's REGION_ROOM_ID written out is the same room.
  request["parcel_local_id"] = -999;
  EXPECT_EQ(room_key_of(accepted<ConnectRequest>(parse_provision_request(request)), region()), key);
  request["parcel_local_id"] = nullptr;  // LLSD undef
  EXPECT_EQ(room_key_of(accepted<ConnectRequest>(parse_provision_request(request)), region()).id,
            key.id);
}

TEST(ProvisionRequest, GroupConnection) {
  const auto connect = accepted<ConnectRequest>(parse_provision_request(multiagent_request()));
  EXPECT_EQ(connect.channel_type, ChannelType::Multiagent);
  EXPECT_EQ(connect.channel, "sip:confctl-b0b0b0b0@webrtc");
  EXPECT_EQ(connect.credentials, "Xf3_aG");
  EXPECT_EQ(connect.gridhash, kGridHash);
  const auto key = room_key_of(connect, region());
  EXPECT_EQ(key.id, std::string(kGridHash) + "/multiagent/sip:confctl-b0b0b0b0@webrtc");
  EXPECT_FALSE(key.spatial);
  EXPECT_FALSE(key.region_id);
  EXPECT_FALSE(key.parcel_local_id);
}

TEST(ProvisionRequest, ChannelOrTheAddonsChannelId) {
  auto request = multiagent_request();
  request.erase("gridhash");
  request["channel_id"] = "other";
  EXPECT_EQ(accepted<ConnectRequest>(parse_provision_request(request)).channel,
            "sip:confctl-b0b0b0b0@webrtc");
  request.erase("channel");
  const auto connect = accepted<ConnectRequest>(parse_provision_request(request));
  EXPECT_EQ(connect.channel, "other");
  EXPECT_EQ(room_key_of(connect, region()).id, "/multiagent/other");
  request["channel"] = "";
  EXPECT_EQ(accepted<ConnectRequest>(parse_provision_request(request)).channel, "other");
  request.erase("channel_id");
  EXPECT_EQ(refused(parse_provision_request(request)), RequestMapError::MissingChannel);
  request.erase("channel");
  EXPECT_EQ(refused(parse_provision_request(request)), RequestMapError::MissingChannel);
  request["channel"] = "a\nb";
  EXPECT_EQ(refused(parse_provision_request(request)), RequestMapError::BadChannel);
  request["channel"] = std::string(ViewerRequestLimits::kMaxChannelBytes + 1, 'c');
  EXPECT_EQ(refused(parse_provision_request(request)), RequestMapError::BadChannel);
  request["channel"] = 7;
  EXPECT_EQ(refused(parse_provision_request(request)), RequestMapError::BadChannel);
}

TEST(ProvisionRequest, GridHashIsAUuidInLowerCase) {
  auto request = multiagent_request();
  request["gridhash"] = "9D6F0C3A-51B7-4C71-8E8E-0123456789AB";
  EXPECT_EQ(accepted<ConnectRequest>(parse_provision_request(request)).gridhash, kGridHash);
  request["gridhash"] = "";
  EXPECT_EQ(accepted<ConnectRequest>(parse_provision_request(request)).gridhash, "");
  request["gridhash"] = "grid/a";
  EXPECT_EQ(refused(parse_provision_request(request)), RequestMapError::BadGridHash);
  request["gridhash"] = 5;
  EXPECT_EQ(refused(parse_provision_request(request)), RequestMapError::BadGridHash);
}

TEST(ProvisionRequest, Logout) {
  const json logout = {{"logout", true},
                       {"viewer_session", "5c3a7e1e-46d5-4a3c-9f50-8f1e3b2a9d10"},
                       {"voice_server_type", "webrtc"}};
  const auto request = accepted<LogoutRequest>(parse_provision_request(logout));
  EXPECT_EQ(request.viewer_session, "5c3a7e1e-46d5-4a3c-9f50-8f1e3b2a9d10");
  EXPECT_FALSE(request.all_sessions());

  json all = logout;
  all["viewer_session"] = "00000000-0000-0000-0000-000000000000";
  EXPECT_TRUE(accepted<LogoutRequest>(parse_provision_request(all)).all_sessions());

  json missing = logout;
  missing.erase("viewer_session");
  EXPECT_EQ(refused(parse_provision_request(missing)), RequestMapError::BadViewerSession);
  missing["viewer_session"] = "has space";
  EXPECT_EQ(refused(parse_provision_request(missing)), RequestMapError::BadViewerSession);
  missing["viewer_session"] = std::string(ViewerRequestLimits::kMaxViewerSessionBytes + 1, 'v');
  EXPECT_EQ(refused(parse_provision_request(missing)), RequestMapError::BadViewerSession);

  // logout false is a connection request like any other.
  json not_logout = local_request();
  not_logout["logout"] = false;
  EXPECT_EQ(accepted<ConnectRequest>(parse_provision_request(not_logout)).parcel_local_id, 12);
}

TEST(ProvisionRequest, VoiceServerType) {
  auto request = local_request();
  request["voice_server_type"] = "vivox";  // Firestorm asks for Vivox first (spec §2.1)
  EXPECT_EQ(refused(parse_provision_request(request)), RequestMapError::NotWebRtc);
  request["voice_server_type"] = "WebRTC";
  accepted<ConnectRequest>(parse_provision_request(request));
  request.erase("voice_server_type");
  accepted<ConnectRequest>(parse_provision_request(request));
}

TEST(ProvisionRequest, MalformedConnectionsSayWhy) {
  EXPECT_EQ(refused(parse_provision_request(json::array())), RequestMapError::NotAnObject);
  auto request = local_request();
  request.erase("jsep");
  EXPECT_EQ(refused(parse_provision_request(request)), RequestMapError::MissingOffer);
  request["jsep"] = json{{"type", "answer"}, {"sdp", "v=0"}};
  EXPECT_EQ(refused(parse_provision_request(request)), RequestMapError::BadOffer);
  request["jsep"] = json{{"type", "offer"}, {"sdp", ""}};
  EXPECT_EQ(refused(parse_provision_request(request)), RequestMapError::BadOffer);
  request["jsep"] = "v=0";
  EXPECT_EQ(refused(parse_provision_request(request)), RequestMapError::BadOffer);
  request["jsep"] =
      json{{"type", "offer"}, {"sdp", std::string(ViewerRequestLimits::kMaxSdpBytes + 1, 'a')}};
  EXPECT_EQ(refused(parse_provision_request(request)), RequestMapError::OfferTooLarge);
  request["jsep"] =
      json{{"type", "offer"}, {"sdp", std::string(ViewerRequestLimits::kMaxSdpBytes, 'a')}};
  accepted<ConnectRequest>(parse_provision_request(request));

  request = local_request();
  request.erase("channel_type");
  EXPECT_EQ(refused(parse_provision_request(request)), RequestMapError::MissingChannelType);
  request["channel_type"] = "p2p";
  EXPECT_EQ(refused(parse_provision_request(request)), RequestMapError::BadChannelType);
  request["channel_type"] = 1;
  EXPECT_EQ(refused(parse_provision_request(request)), RequestMapError::BadChannelType);

  request = local_request();
  for (const json& bad :
       {json(1.5), json("12"), json(2147483648LL), json(-2147483649LL), json::object()}) {
    request["parcel_local_id"] = bad;
    EXPECT_EQ(refused(parse_provision_request(request)), RequestMapError::BadParcel) << bad.dump();
  }
  request["parcel_local_id"] = -2147483648LL;
  EXPECT_EQ(accepted<ConnectRequest>(parse_provision_request(request)).parcel_local_id,
            -2147483648LL);

  request = multiagent_request();
  request["credentials"] = json::array();
  EXPECT_EQ(refused(parse_provision_request(request)), RequestMapError::BadCredentials);
}

SignallingRequest signalled(const json& request) {
  auto map = parse_signalling_request(request);
  if (!map) {
    ADD_FAILURE() << "refused: " << to_string(map.error());
    return {};
  }
  return std::move(map).value();
}

RequestMapError signalling_refused(const json& request) {
  auto map = parse_signalling_request(request);
  if (map) {
    ADD_FAILURE() << "accepted";
    return RequestMapError::NotAnObject;
  }
  return map.error();
}

// What processIceUpdatesCoro sends: candidate strings without the "candidate:" prefix, for
// both m-lines before bundling settles (corrections 3 and 4).
TEST(SignallingRequest, TrickledCandidatesAsTheViewerSendsThem) {
  const json request = {
      {"viewer_session", "5c3a7e1e-46d5-4a3c-9f50-8f1e3b2a9d10"},
      {"voice_server_type", "webrtc"},
      {"candidates",
       {{{"sdpMid", "0"},
         {"sdpMLineIndex", 0},
         {"candidate",
          "1467250027 1 udp 2122260223 192.168.1.7 60001 typ host generation 0 ufrag Vx4N "
          "network-id 1"}},
        {{"sdpMid", "1"},
         {"sdpMLineIndex", 1},
         {"candidate",
          "3291043162 1 tcp 1518280447 192.168.1.7 9 typ host tcptype active generation 0"}},
        {{"sdpMid", "0"},
         {"sdpMLineIndex", 0},
         {"candidate",
          "candidate:842163049 1 udp 1686052607 203.0.113.9 60001 typ srflx raddr 192.168.1.7 "
          "rport 60001"}}}}};
  const auto parsed = signalled(request);
  EXPECT_EQ(parsed.viewer_session, "5c3a7e1e-46d5-4a3c-9f50-8f1e3b2a9d10");
  EXPECT_FALSE(parsed.completed);
  EXPECT_EQ(parsed.skipped_candidates, 0u);
  ASSERT_EQ(parsed.candidates.size(), 3u);
  EXPECT_EQ(parsed.candidates[0].sdp_mid, "0");
  EXPECT_EQ(parsed.candidates[0].sdp_mline_index, 0);
  EXPECT_EQ(parsed.candidates[0].candidate.address, "192.168.1.7");
  EXPECT_EQ(parsed.candidates[0].candidate.port, 60001);
  EXPECT_EQ(parsed.candidates[0].candidate.type, rtc::sdp::CandidateType::Host);
  EXPECT_EQ(parsed.candidates[1].sdp_mline_index, 1);
  EXPECT_EQ(parsed.candidates[1].candidate.transport, rtc::sdp::CandidateTransport::Tcp);
  EXPECT_EQ(parsed.candidates[1].candidate.tcp_type, rtc::sdp::TcpType::Active);
  EXPECT_EQ(parsed.candidates[2].candidate.type, rtc::sdp::CandidateType::ServerReflexive);
  EXPECT_EQ(parsed.candidates[2].candidate.related_port, 60001);
}

TEST(SignallingRequest, CompletedAndSingleCandidate) {
  auto parsed = signalled({{"viewer_session", "v1"}, {"candidate", {{"completed", true}}}});
  EXPECT_TRUE(parsed.completed);
  EXPECT_TRUE(parsed.candidates.empty());
  // Before the provision reply the viewer has no session: undef, or nothing at all.
  parsed = signalled({{"viewer_session", nullptr}, {"candidate", {{"completed", true}}}});
  EXPECT_EQ(parsed.viewer_session, "");
  EXPECT_TRUE(parsed.completed);
  parsed = signalled({{"voice_server_type", "webrtc"}});
  EXPECT_TRUE(parsed.candidates.empty());
  EXPECT_FALSE(parsed.completed);
  // The single-candidate form [OS] writes for Janus.
  parsed = signalled({{"viewer_session", "v1"},
                      {"candidate",
                       {{"sdpMid", "0"},
                        {"sdpMLineIndex", 0},
                        {"candidate", "1 1 udp 2122260223 10.0.0.2 60002 typ host"}}}});
  ASSERT_EQ(parsed.candidates.size(), 1u);
  EXPECT_EQ(parsed.candidates[0].candidate.port, 60002);
}

TEST(SignallingRequest, UnusableCandidatesAreSkippedAndCounted) {
  const json request = {
      {"viewer_session", "v1"},
      {"candidates",
       {{{"sdpMid", "0"}, {"sdpMLineIndex", 0}, {"candidate", "not a candidate"}},
        {{"sdpMid", "0"}, {"sdpMLineIndex", -1}, {"candidate", "1 1 udp 1 10.0.0.2 1 typ host"}},
        {{"sdpMid", 0}, {"candidate", "1 1 udp 1 10.0.0.2 1 typ host"}},
        {{"sdpMid", "0"}},
        "1 1 udp 1 10.0.0.2 1 typ host",
        {{"candidate", std::string(ViewerRequestLimits::kMaxCandidateBytes + 1, '1')}},
        {{"candidate", "1 1 udp 1 10.0.0.2 1 typ host"}}}}};
  const auto parsed = signalled(request);
  EXPECT_EQ(parsed.skipped_candidates, 6u);
  ASSERT_EQ(parsed.candidates.size(), 1u);
  EXPECT_FALSE(parsed.candidates[0].sdp_mid);
  EXPECT_FALSE(parsed.candidates[0].sdp_mline_index);
}

TEST(SignallingRequest, Bounds) {
  json many = json::array();
  for (std::size_t i = 0; i <= ViewerRequestLimits::kMaxCandidates; ++i) {
    many.push_back({{"candidate", "1 1 udp 1 10.0.0.2 1 typ host"}});
  }
  EXPECT_EQ(signalling_refused({{"viewer_session", "v1"}, {"candidates", many}}),
            RequestMapError::TooManyCandidates);
  many.erase(many.size() - 1);
  EXPECT_EQ(signalled({{"viewer_session", "v1"}, {"candidates", many}}).candidates.size(),
            ViewerRequestLimits::kMaxCandidates);
  EXPECT_EQ(signalling_refused({{"viewer_session", "v1"},
                                {"candidates", many},
                                {"candidate", {{"candidate", "1 1 udp 1 10.0.0.2 1 typ host"}}}}),
            RequestMapError::TooManyCandidates);

  EXPECT_EQ(signalling_refused({{"candidates", "1 1 udp"}}), RequestMapError::BadCandidates);
  EXPECT_EQ(signalling_refused({{"candidate", true}}), RequestMapError::BadCandidates);
  EXPECT_EQ(signalling_refused({{"candidate", {{"completed", "yes"}}}}),
            RequestMapError::BadCandidates);
  EXPECT_EQ(signalling_refused({{"candidate", json::object()}}), RequestMapError::BadCandidates);
  EXPECT_EQ(signalling_refused({{"viewer_session", 12}}), RequestMapError::BadViewerSession);
  EXPECT_EQ(signalling_refused({{"voice_server_type", "vivox"}}), RequestMapError::NotWebRtc);
  EXPECT_EQ(signalling_refused(json("x")), RequestMapError::NotAnObject);
}

TEST(RoomKeys, BothDoorsNameRoomsAlike) {
  const auto upper = *base::parse_uuid("11111111-2222-3333-4444-55555555555A");
  EXPECT_EQ(local_room_key(upper, 7).id, "11111111-2222-3333-4444-55555555555a/local/7");
  EXPECT_EQ(local_room_key(upper, std::nullopt).id,
            "11111111-2222-3333-4444-55555555555a/local/-999");
  EXPECT_EQ(local_room_key(upper, -999), local_room_key(upper, std::nullopt));
  EXPECT_FALSE(local_room_key(upper, -999).parcel_local_id);
  EXPECT_EQ(multiagent_room_key("", "sip:x@y").id, "/multiagent/sip:x@y");
  EXPECT_FALSE(multiagent_room_key("", "sip:x@y").spatial);
}

}  // namespace
}  // namespace webvox::viewer
