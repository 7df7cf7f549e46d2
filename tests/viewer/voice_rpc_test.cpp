#include "viewer/voice_rpc.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "fake_viewer_voice.hpp"
#include "viewer/viewer_request.hpp"
#include "viewer_offer.hpp"

namespace webvox::viewer {
namespace {

using nlohmann::json;

constexpr const char* kAgent = "a1a1a1a1-0000-4000-8000-000000000001";
constexpr const char* kRegion = "11111111-2222-3333-4444-555555555555";
constexpr const char* kRpcId = "6f1c2a9e-0d2b-4c6e-9a55-3d1f0e7b8c21";

// The envelope WebRtcVoiceServiceConnector.JsonRpcRequest posts ([OS]).
json envelope(const char* method, json request) {
  return json{
      {"jsonrpc", "2.0"},
      {"id", kRpcId},
      {"method", method},
      {"params", {{"request", std::move(request)}, {"userID", kAgent}, {"scene", kRegion}}}};
}

json local_request() {
  return json{{"jsep", {{"type", "offer"}, {"sdp", test::kViewerOffer}}},
              {"channel_type", "local"},
              {"voice_server_type", "webrtc"}};
}

class VoiceRpcTest : public ::testing::Test {
 protected:
  // Every handled body must produce exactly one reply.
  std::vector<std::string> handle(const std::string& body) {
    std::vector<std::string> replies;
    door.handle(body, [this](std::string text) { late_replies.push_back(std::move(text)); });
    replies.swap(late_replies);
    return replies;
  }

  json only_reply(const std::string& body) {
    const auto replies = handle(body);
    EXPECT_EQ(replies.size(), 1u) << body;
    if (replies.size() != 1) return json();
    return json::parse(replies.front());
  }

  void expect_error(const std::string& body, RpcErrorCode code, const json& id) {
    const auto reply = only_reply(body);
    EXPECT_EQ(reply["jsonrpc"], "2.0") << body;
    EXPECT_EQ(reply["id"], id) << body;
    EXPECT_FALSE(reply.contains("result")) << body;
    ASSERT_TRUE(reply.contains("error")) << reply.dump();
    EXPECT_EQ(reply["error"]["code"], static_cast<int>(code)) << reply.dump();
    EXPECT_TRUE(reply["error"]["message"].is_string());
    EXPECT_FALSE(reply["error"]["message"].get<std::string>().empty());
  }

  test::FakeViewerVoice voice;
  VoiceRpcDoor door{voice};
  std::vector<std::string> late_replies;
};

TEST_F(VoiceRpcTest, ProvisionAnswersWhenTheVoiceServiceDoes) {
  const auto replies = handle(envelope("provision_voice_account_request", local_request()).dump());
  EXPECT_TRUE(replies.empty());  // not before the answer
  ASSERT_EQ(voice.provisions.size(), 1u);
  const auto& request = voice.provisions[0];
  EXPECT_EQ(request.agent_id, kAgent);
  EXPECT_EQ(request.room.id, std::string(kRegion) + "/local/-999");
  EXPECT_TRUE(request.room.spatial);
  EXPECT_EQ(request.room.region_id, kRegion);
  EXPECT_EQ(request.offer_sdp, test::kViewerOffer);

  voice.pending[0](Provisioned{"5c3a7e1e-46d5-4a3c-9f50-8f1e3b2a9d10", "v=0\r\nanswer\r\n"});
  ASSERT_EQ(late_replies.size(), 1u);
  // What the connector hands the viewer: exactly OnVoiceConnectionRequestSuccess's test.
  EXPECT_EQ(json::parse(late_replies[0]),
            json::parse(R"({"jsonrpc":"2.0","id":"6f1c2a9e-0d2b-4c6e-9a55-3d1f0e7b8c21",)"
                        R"("result":{"jsep":{"type":"answer","sdp":"v=0\r\nanswer\r\n"},)"
                        R"("viewer_session":"5c3a7e1e-46d5-4a3c-9f50-8f1e3b2a9d10"}})"));
  // A second call of `done` (a broken promise) does not answer twice.
  voice.pending[0](Provisioned{"x", "y"});
  EXPECT_EQ(late_replies.size(), 1u);
  EXPECT_EQ(door.count(VoiceRpcOutcome::Provisioned), 1u);
}

TEST_F(VoiceRpcTest, ProvisionOfAGroupRoomAndOfAParcel) {
  auto group = json{{"jsep", {{"type", "offer"}, {"sdp", test::kViewerOffer}}},
                    {"channel_type", "multiagent"},
                    {"channel", "sip:confctl-1@webrtc"},
                    {"gridhash", "9d6f0c3a-51b7-4c71-8e8e-0123456789ab"}};
  EXPECT_TRUE(handle(envelope("provision_voice_account_request", group).dump()).empty());
  auto parcel = local_request();
  parcel["parcel_local_id"] = 3;
  EXPECT_TRUE(handle(envelope("provision_voice_account_request", parcel).dump()).empty());
  ASSERT_EQ(voice.provisions.size(), 2u);
  EXPECT_EQ(voice.provisions[0].room.id,
            "9d6f0c3a-51b7-4c71-8e8e-0123456789ab/multiagent/sip:confctl-1@webrtc");
  EXPECT_FALSE(voice.provisions[0].room.spatial);
  EXPECT_EQ(voice.provisions[1].room.id, std::string(kRegion) + "/local/3");
  EXPECT_EQ(voice.provisions[1].room.parcel_local_id, 3);
}

TEST_F(VoiceRpcTest, ProvisionFailuresAreApplicationErrors) {
  const std::pair<ProvisionFailure, RpcErrorCode> cases[] = {
      {ProvisionFailure::BadOffer, RpcErrorCode::OfferRejected},
      {ProvisionFailure::Full, RpcErrorCode::ServerFull},
      {ProvisionFailure::Unavailable, RpcErrorCode::Unavailable}};
  for (const auto& [failure, code] : cases) {
    handle(envelope("provision_voice_account_request", local_request()).dump());
    voice.pending.back()(base::unexpected(ProvisionError{failure, "no \xff opus"}));
    ASSERT_EQ(late_replies.size(), 1u);
    const auto reply = json::parse(late_replies[0]);
    late_replies.clear();
    EXPECT_EQ(reply["id"], kRpcId);
    EXPECT_EQ(reply["error"]["code"], static_cast<int>(code));
    EXPECT_EQ(reply["error"]["message"], "no \xEF\xBF\xBD opus");
  }
  EXPECT_EQ(door.count(VoiceRpcOutcome::ProvisionFailed), 3u);
}

TEST_F(VoiceRpcTest, LogoutOfOneSessionAndOfAll) {
  const auto one = only_reply(
      envelope("provision_voice_account_request",
               {{"logout", true}, {"viewer_session", "vs-1"}, {"voice_server_type", "webrtc"}})
          .dump());
  EXPECT_EQ(one, json::parse(R"({"jsonrpc":"2.0","id":"6f1c2a9e-0d2b-4c6e-9a55-3d1f0e7b8c21",)"
                             R"("result":{"response":"closed"}})"));
  ASSERT_EQ(voice.logouts.size(), 1u);
  EXPECT_EQ(voice.logouts[0], std::make_pair(std::string(kAgent), std::string("vs-1")));

  const auto all = only_reply(
      envelope("provision_voice_account_request",
               {{"logout", true}, {"viewer_session", "00000000-0000-0000-0000-000000000000"}})
          .dump());
  EXPECT_EQ(all["result"]["response"], "closed");
  EXPECT_EQ(voice.logouts_all, std::vector<std::string>{kAgent});
  EXPECT_EQ(voice.logouts.size(), 1u);
  EXPECT_TRUE(voice.provisions.empty());
  EXPECT_EQ(door.count(VoiceRpcOutcome::LoggedOut), 2u);
}

TEST_F(VoiceRpcTest, SignallingTricklesAndAnswersAnEmptyMap) {
  const auto reply = only_reply(
      envelope(
          "voice_signaling_request",
          {{"viewer_session", "vs-1"},
           {"voice_server_type", "webrtc"},
           {"candidates",
            {{{"sdpMid", "0"},
              {"sdpMLineIndex", 0},
              {"candidate", "1467250027 1 udp 2122260223 192.168.1.7 60001 typ host generation 0"}},
             {{"sdpMid", "0"}, {"sdpMLineIndex", 0}, {"candidate", "garbage"}}}}})
          .dump());
  EXPECT_EQ(
      reply,
      json::parse(R"({"jsonrpc":"2.0","id":"6f1c2a9e-0d2b-4c6e-9a55-3d1f0e7b8c21","result":{}})"));
  ASSERT_EQ(voice.trickles.size(), 1u);
  EXPECT_EQ(voice.trickles[0].viewer_session, "vs-1");
  ASSERT_EQ(voice.trickles[0].candidates.size(), 1u);
  EXPECT_EQ(voice.trickles[0].candidates[0].port, 60001);
  EXPECT_FALSE(voice.trickles[0].completed);

  only_reply(envelope("voice_signaling_request",
                      {{"viewer_session", "vs-1"}, {"candidate", {{"completed", true}}}})
                 .dump());
  ASSERT_EQ(voice.trickles.size(), 2u);
  EXPECT_TRUE(voice.trickles[1].completed);
  EXPECT_TRUE(voice.trickles[1].candidates.empty());

  // No session yet (the viewer trickles before the provision reply): answered, not routed.
  const auto early =
      only_reply(envelope("voice_signaling_request",
                          {{"viewer_session", nullptr}, {"candidate", {{"completed", true}}}})
                     .dump());
  EXPECT_EQ(early["result"], json::object());
  EXPECT_EQ(voice.trickles.size(), 2u);
  EXPECT_EQ(door.count(VoiceRpcOutcome::Signalled), 3u);
}

TEST_F(VoiceRpcTest, IntegerIdsAreEchoed) {
  auto body = envelope("voice_signaling_request", {{"viewer_session", "vs-1"}});
  body["id"] = 8773840026144453456ULL;
  EXPECT_EQ(only_reply(body.dump())["id"], 8773840026144453456ULL);
  body["id"] = -3;
  EXPECT_EQ(only_reply(body.dump())["id"], -3);
}

TEST_F(VoiceRpcTest, MalformedEnvelopes) {
  expect_error("", RpcErrorCode::ParseError, nullptr);
  expect_error("{\"jsonrpc\":", RpcErrorCode::ParseError, nullptr);
  expect_error(std::string(VoiceRpcLimits::kMaxBodyBytes + 1, ' '), RpcErrorCode::ParseError,
               nullptr);
  expect_error("[" + envelope("voice_signaling_request", json::object()).dump() + "]",
               RpcErrorCode::InvalidRequest, nullptr);
  expect_error("\"provision\"", RpcErrorCode::InvalidRequest, nullptr);

  auto body = envelope("voice_signaling_request", {{"viewer_session", "vs-1"}});
  for (const json& bad_id : {json(nullptr), json(1.5), json(true), json::object(), json::array(),
                             json(std::string(VoiceRpcLimits::kMaxIdBytes + 1, 'i'))}) {
    body["id"] = bad_id;
    expect_error(body.dump(), RpcErrorCode::InvalidRequest, nullptr);
  }
  body.erase("id");
  expect_error(body.dump(), RpcErrorCode::InvalidRequest, nullptr);

  body = envelope("voice_signaling_request", {{"viewer_session", "vs-1"}});
  body["jsonrpc"] = "1.0";
  expect_error(body.dump(), RpcErrorCode::InvalidRequest, kRpcId);
  body.erase("jsonrpc");
  expect_error(body.dump(), RpcErrorCode::InvalidRequest, kRpcId);

  body = envelope("voice_signaling_request", {{"viewer_session", "vs-1"}});
  body["method"] = 3;
  expect_error(body.dump(), RpcErrorCode::InvalidRequest, kRpcId);
  body["method"] = "provision_voice_account";
  expect_error(body.dump(), RpcErrorCode::MethodNotFound, kRpcId);
  EXPECT_TRUE(voice.trickles.empty());
}

TEST_F(VoiceRpcTest, MalformedParams) {
  auto body = envelope("provision_voice_account_request", local_request());
  body["params"] = json::array();
  expect_error(body.dump(), RpcErrorCode::InvalidParams, kRpcId);

  for (const char* key : {"userID", "scene"}) {
    for (const json& bad :
         {json("not-a-uuid"), json("00000000-0000-0000-0000-000000000000"), json(5)}) {
      body = envelope("provision_voice_account_request", local_request());
      body["params"][key] = bad;
      expect_error(body.dump(), RpcErrorCode::InvalidParams, kRpcId);
    }
    body = envelope("provision_voice_account_request", local_request());
    body["params"].erase(key);
    expect_error(body.dump(), RpcErrorCode::InvalidParams, kRpcId);
  }
  body = envelope("provision_voice_account_request", local_request());
  body["params"].erase("request");
  expect_error(body.dump(), RpcErrorCode::InvalidParams, kRpcId);

  auto request = local_request();
  request["channel_type"] = "p2p";
  expect_error(envelope("provision_voice_account_request", request).dump(),
               RpcErrorCode::InvalidParams, kRpcId);
  const auto reply = only_reply(envelope("provision_voice_account_request", request).dump());
  EXPECT_EQ(reply["error"]["message"], to_string(RequestMapError::BadChannelType));
  expect_error(envelope("voice_signaling_request", {{"candidates", 1}}).dump(),
               RpcErrorCode::InvalidParams, kRpcId);
  EXPECT_TRUE(voice.provisions.empty());
  EXPECT_TRUE(voice.trickles.empty());
  EXPECT_GE(door.count(VoiceRpcOutcome::InvalidParams), 10u);
}

TEST_F(VoiceRpcTest, UpperCaseIdsFromTheSimulatorAreCanonicalised) {
  auto body = envelope("provision_voice_account_request", local_request());
  body["params"]["userID"] = "A1A1A1A1-0000-4000-8000-000000000001";
  body["params"]["scene"] = "11111111-2222-3333-4444-55555555555A";
  handle(body.dump());
  ASSERT_EQ(voice.provisions.size(), 1u);
  EXPECT_EQ(voice.provisions[0].agent_id, kAgent);
  EXPECT_EQ(voice.provisions[0].room.id, "11111111-2222-3333-4444-55555555555a/local/-999");
}

}  // namespace
}  // namespace webvox::viewer
