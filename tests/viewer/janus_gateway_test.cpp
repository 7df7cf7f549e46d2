// JanusGateway driven with os-webrtc-janus's exact request bodies (spec §3.3-§3.4) for both the
// OpenSim copy and Misterblue's, with a fake ViewerVoice and injected time.
#include "viewer/janus_gateway.hpp"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "janus_addon_client.hpp"
#include "janus_gateway_harness.hpp"

namespace webvox::viewer {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::AddonClient;
using testing::Flavour;
using testing::GatewayHarness;
using testing::kAgent;
using testing::kApiSecret;
using testing::kBigParticipantId;
using testing::kEstateRoom;
using testing::kRegion;
using testing::kViewerOffer;

constexpr std::uint64_t kMaxJsSafe = (std::uint64_t{1} << 53) - 1;

std::string region_room_description() { return std::string(kRegion) + "/local/-999"; }

void expect_janus_error(const json& reply, int code) {
  EXPECT_EQ(reply.value("janus", ""), "error") << reply.dump();
  ASSERT_TRUE(reply.contains("error")) << reply.dump();
  EXPECT_EQ(reply["error"]["code"], code) << reply.dump();
  EXPECT_TRUE(reply["error"]["reason"].is_string());
}

void expect_audiobridge_error(const json& reply, int code) {
  ASSERT_TRUE(reply.contains("plugindata")) << reply.dump();
  EXPECT_EQ(reply["plugindata"]["plugin"], "janus.plugin.audiobridge");
  const auto& data = reply["plugindata"]["data"];
  EXPECT_EQ(data["audiobridge"], "event") << reply.dump();
  EXPECT_EQ(data["error_code"], code) << reply.dump();
  EXPECT_TRUE(data["error"].is_string());
}

// The start-up session every simulator opens (spec §3.1, §3.3), then one viewer connection.
class JanusSequence : public ::testing::TestWithParam<Flavour> {
 protected:
  GatewayHarness h;
};

TEST_P(JanusSequence, AddonStartupThenViewerProvisionThenLogout) {
  const Flavour flavour = GetParam();
  const bool os = flavour == Flavour::OpenSim;

  // Start-up: create, attach, long poll.
  AddonClient startup(h, flavour);
  auto created = startup.create_session();
  EXPECT_EQ(created["janus"], "success");
  EXPECT_EQ(created["transaction"], startup.last_transaction);
  EXPECT_FALSE(created.contains("session_id"));
  ASSERT_GT(startup.session, 0u);
  EXPECT_LE(startup.session, kMaxJsSafe);
  auto attached = startup.attach();
  EXPECT_EQ(attached["janus"], "success");
  EXPECT_EQ(attached["session_id"], startup.session);
  EXPECT_EQ(attached["transaction"], startup.last_transaction);
  ASSERT_GT(startup.handle, 0u);
  EXPECT_LE(startup.handle, kMaxJsSafe);
  auto startup_poll = h.poll(startup.session);
  EXPECT_FALSE(startup_poll->answered());

  // A viewer's provision: its own session, handle and long poll.
  AddonClient viewer(h, flavour);
  viewer.create_session();
  viewer.attach();
  ASSERT_NE(viewer.session, startup.session);
  auto viewer_poll = h.poll(viewer.session);
  EXPECT_FALSE(viewer_poll->answered());

  const std::string description =
      os ? region_room_description() : std::string(kRegion) + "/local/-999/";
  auto room = viewer.create_room(kEstateRoom, true, description);
  EXPECT_EQ(room["janus"], "success");
  EXPECT_EQ(room["session_id"], viewer.session);
  EXPECT_EQ(room["sender"], viewer.handle);
  EXPECT_EQ(room["transaction"], viewer.last_transaction);
  EXPECT_EQ(room["plugindata"]["plugin"], "janus.plugin.audiobridge");
  EXPECT_EQ(room["plugindata"]["data"]["audiobridge"], "created");
  EXPECT_EQ(room["plugindata"]["data"]["room"], kEstateRoom);
  EXPECT_EQ(room["plugindata"]["data"]["permanent"], false);

  // The next viewer's create of the same room: correction 7.
  auto again = viewer.create_room(kEstateRoom, true, description);
  EXPECT_EQ(again["janus"], "success");
  expect_audiobridge_error(again, 486);

  // Join with the offer: answered only when ViewerVoice has provisioned.
  auto join = viewer.join(kEstateRoom);
  const std::string join_transaction = viewer.last_transaction;
  EXPECT_FALSE(join->answered());
  ASSERT_EQ(h.voice.provisions.size(), 1u);
  const auto& request = h.voice.provisions[0].request;
  EXPECT_EQ(request.agent_id, kAgent);
  EXPECT_EQ(request.offer_sdp, kViewerOffer);
  EXPECT_EQ(request.room.id, std::string(kRegion) + "/local/-999");
  EXPECT_TRUE(request.room.spatial);
  EXPECT_EQ(request.room.region_id, std::string(kRegion));
  EXPECT_FALSE(request.room.parcel_local_id.has_value());
  EXPECT_TRUE(request.on_event);

  h.voice.succeed(0, "vs-1", "v=0\r\nanswer\r\n");
  ASSERT_TRUE(join->answered());
  auto joined = join->json();
  EXPECT_EQ(joined["janus"], "event");
  EXPECT_EQ(joined["session_id"], viewer.session);
  EXPECT_EQ(joined["sender"], viewer.handle);
  EXPECT_EQ(joined["transaction"], join_transaction);
  const auto& data = joined["plugindata"]["data"];
  EXPECT_EQ(joined["plugindata"]["plugin"], "janus.plugin.audiobridge");
  EXPECT_EQ(data["audiobridge"], "joined");
  EXPECT_EQ(data["room"], kEstateRoom);
  const auto participant = data["id"].get<std::uint64_t>();
  if (os) {
    EXPECT_EQ(participant, kBigParticipantId);  // exact, above 2^53
    EXPECT_NE(joined.dump().find("8773840026144453456"), std::string::npos);
  } else {
    EXPECT_GT(participant, 0u);  // [MB] reads it with (int)
    EXPECT_LE(participant, 0x7fffffffu);
  }
  EXPECT_TRUE(data["participants"].is_array());
  EXPECT_EQ(data["participants"].size(), 0u);
  EXPECT_EQ(joined["jsep"]["type"], "answer");
  EXPECT_EQ(joined["jsep"]["sdp"], "v=0\r\nanswer\r\n");

  // Trickle as the viewer sends it (corrections 3-4): candidates without the prefix, one
  // with it, a TCP active one for the data m-line, one unparseable; then completed.
  if (os) {
    json candidates = json::array({
        {{"candidate",
          "1467250027 1 udp 2122260223 192.168.1.10 60001 typ host generation 0 "
          "ufrag Vt2x network-id 1"},
         {"sdpMid", "0"},
         {"sdpMLineIndex", 0}},
        {{"candidate",
          "candidate:842163049 1 udp 1677729535 203.0.113.7 60001 typ srflx raddr "
          "192.168.1.10 rport 60001 generation 0"},
         {"sdpMid", "0"},
         {"sdpMLineIndex", 0}},
        {{"candidate", "1 1 tcp 1518280447 192.168.1.10 9 typ host tcptype active generation 0"},
         {"sdpMid", "1"},
         {"sdpMLineIndex", 1}},
        {{"candidate", "garbage"}, {"sdpMid", "0"}, {"sdpMLineIndex", 0}},
    });
    auto ack = viewer.trickle_candidates(candidates, "vs-1");
    EXPECT_EQ(ack["janus"], "ack");
    EXPECT_EQ(ack["session_id"], viewer.session);
    EXPECT_EQ(ack["transaction"], viewer.last_transaction);
    ASSERT_EQ(h.voice.trickles.size(), 1u);
    EXPECT_EQ(h.voice.trickles[0].viewer_session, "vs-1");
    ASSERT_EQ(h.voice.trickles[0].candidates.size(), 3u);
    EXPECT_EQ(h.voice.trickles[0].candidates[0].address, "192.168.1.10");
    EXPECT_EQ(h.voice.trickles[0].candidates[1].type, rtc::sdp::CandidateType::ServerReflexive);
    EXPECT_EQ(h.voice.trickles[0].candidates[2].transport, rtc::sdp::CandidateTransport::Tcp);
    EXPECT_FALSE(h.voice.trickles[0].completed);
    EXPECT_EQ(h.gateway->stats().candidates_rejected, 1u);
  }
  auto completed = viewer.trickle_completed();
  EXPECT_EQ(completed["janus"], "ack");
  ASSERT_FALSE(h.voice.trickles.empty());
  EXPECT_TRUE(h.voice.trickles.back().completed);
  EXPECT_TRUE(h.voice.trickles.back().candidates.empty());

  // ICE and DTLS up: "webrtcup" reaches the viewer session's parked long poll.
  h.voice.raise(0, SessionEvent::MediaUp);
  ASSERT_TRUE(viewer_poll->answered());
  auto up = viewer_poll->json();
  EXPECT_EQ(up["janus"], "webrtcup");
  EXPECT_EQ(up["session_id"], viewer.session);
  EXPECT_EQ(up["sender"], viewer.handle);
  EXPECT_FALSE(startup_poll->answered());

  // The console's view through the start-up handle.
  auto participants =
      startup.send_message({{"request", "listparticipants"}, {"room", kEstateRoom}});
  auto listed = participants->json();
  EXPECT_EQ(listed["janus"], "success");
  EXPECT_EQ(listed["plugindata"]["data"]["audiobridge"], "participants");
  ASSERT_EQ(listed["plugindata"]["data"]["participants"].size(), 1u);
  const auto& entry = listed["plugindata"]["data"]["participants"][0];
  EXPECT_EQ(entry["id"].get<std::uint64_t>(), participant);
  EXPECT_EQ(entry["display"], kAgent);
  EXPECT_EQ(entry["muted"], false);
  EXPECT_EQ(entry["talking"], false);
  EXPECT_EQ(entry["setup"], true);

  // Logout: leave (answered at once: the addon waits for it), detach, destroy.
  auto left = viewer.leave(kEstateRoom, participant);
  EXPECT_EQ(left["janus"], "event");
  EXPECT_EQ(left["transaction"], viewer.last_transaction);
  EXPECT_EQ(left["plugindata"]["data"]["audiobridge"], "left");
  EXPECT_EQ(left["plugindata"]["data"]["room"], kEstateRoom);
  EXPECT_EQ(left["plugindata"]["data"]["id"].get<std::uint64_t>(), participant);
  EXPECT_FALSE(left["plugindata"]["data"].contains("error_code"));
  ASSERT_EQ(h.voice.logouts.size(), 1u);
  EXPECT_EQ(h.voice.logouts[0],
            (testing::FakeViewerVoice::LogoutCall{std::string(kAgent), "vs-1"}));

  auto detached = viewer.detach();
  EXPECT_EQ(detached["janus"], "success");
  EXPECT_EQ(detached["session_id"], viewer.session);
  EXPECT_EQ(h.voice.logouts.size(), 1u);  // nothing left to log out
  auto detached_event = h.poll(viewer.session);
  ASSERT_TRUE(detached_event->answered());
  EXPECT_EQ(detached_event->json()["janus"], "detached");
  EXPECT_EQ(detached_event->json()["sender"], viewer.handle);

  auto destroyed = viewer.destroy();  // carries the detached handle's handle_id
  EXPECT_EQ(destroyed["janus"], "success");
  EXPECT_EQ(destroyed["session_id"], viewer.session);
  auto gone = h.poll(viewer.session);
  ASSERT_TRUE(gone->answered());
  EXPECT_EQ(gone->reply.status, 404u);
  expect_janus_error(gone->json(), 458);

  // The start-up session is untouched and still polling.
  EXPECT_FALSE(startup_poll->answered());
  EXPECT_EQ(h.gateway->stats().sessions, 1u);
}

INSTANTIATE_TEST_SUITE_P(BothAddons, JanusSequence,
                         ::testing::Values(Flavour::OpenSim, Flavour::Misterblue),
                         [](const auto& info) {
                           return info.param == Flavour::OpenSim ? std::string("OpenSim")
                                                                 : std::string("Misterblue");
                         });

class JanusGatewayTest : public ::testing::Test {
 protected:
  // A viewer session that joined the estate room and was provisioned as `viewer_session`.
  AddonClient joined_viewer(std::size_t provision_index, std::string viewer_session,
                            Flavour flavour = Flavour::OpenSim, std::string_view agent = kAgent) {
    AddonClient viewer(h, flavour);
    viewer.create_session();
    viewer.attach();
    viewer.create_room(kEstateRoom, true, region_room_description());
    auto join = viewer.join(kEstateRoom, agent);
    h.voice.succeed(provision_index, std::move(viewer_session), "answer");
    EXPECT_EQ(join->json()["plugindata"]["data"]["audiobridge"], "joined");
    return viewer;
  }

  GatewayHarness h;
};

TEST_F(JanusGatewayTest, HangupReachesTheLongPollAndFreesTheSeat) {
  auto viewer = joined_viewer(0, "vs-1");
  auto poll = h.poll(viewer.session);
  EXPECT_FALSE(poll->answered());
  h.voice.raise(0, SessionEvent::Ended);
  ASSERT_TRUE(poll->answered());
  auto hangup = poll->json();
  EXPECT_EQ(hangup["janus"], "hangup");
  EXPECT_EQ(hangup["session_id"], viewer.session);
  EXPECT_EQ(hangup["sender"], viewer.handle);
  EXPECT_TRUE(hangup["reason"].is_string());
  EXPECT_EQ(h.gateway->stats().participants, 0u);
  // ViewerVoice ended it: no logout from the door; a leave now finds no room.
  EXPECT_TRUE(h.voice.logouts.empty());
  auto left = viewer.leave(kEstateRoom, kBigParticipantId);
  expect_audiobridge_error(left, 487);
  // Events for an ended session are stale.
  h.voice.raise(0, SessionEvent::MediaUp);
  EXPECT_EQ(h.gateway->stats().queued_events, 0u);
  EXPECT_EQ(h.gateway->stats().stale_voice_callbacks, 1u);
}

TEST_F(JanusGatewayTest, EventsWaitForTheNextPoll) {
  auto viewer = joined_viewer(0, "vs-1");
  h.voice.raise(0, SessionEvent::MediaUp);
  h.voice.raise(0, SessionEvent::Ended);
  auto first = h.poll(viewer.session);
  auto second = h.poll(viewer.session);
  EXPECT_EQ(first->json()["janus"], "webrtcup");
  EXPECT_EQ(second->json()["janus"], "hangup");
  EXPECT_FALSE(h.poll(viewer.session)->answered());
}

TEST_F(JanusGatewayTest, ParkedPollIsAnsweredKeepaliveAfterThirtySeconds) {
  AddonClient client(h, Flavour::OpenSim);
  client.create_session();
  auto poll = h.poll(client.session);
  h.advance(29s);
  h.sweep();
  EXPECT_FALSE(poll->answered());
  h.advance(1s);
  h.sweep();
  ASSERT_TRUE(poll->answered());
  EXPECT_EQ(poll->reply.status, 200u);
  EXPECT_EQ(poll->json(), json({{"janus", "keepalive"}}));
}

TEST_F(JanusGatewayTest, PollingKeepsTheStartupSessionAliveAndIdleSessionsTimeOut) {
  AddonClient startup(h, Flavour::OpenSim);
  startup.create_session();
  startup.attach();
  auto idle = joined_viewer(0, "vs-1");
  // The addon re-polls as soon as a poll returns; the idle viewer session sends nothing.
  auto poll = h.poll(startup.session);
  for (int second = 1; second <= 600; ++second) {
    h.advance(1s);
    h.sweep();
    if (poll->answered()) {
      EXPECT_EQ(poll->json()["janus"], "keepalive");
      poll = h.poll(startup.session);
    }
  }
  EXPECT_EQ(h.gateway->stats().sessions, 1u);
  EXPECT_EQ(h.gateway->stats().sessions_timed_out, 1u);
  // The timed-out session's viewer session was logged out.
  ASSERT_EQ(h.voice.logouts.size(), 1u);
  EXPECT_EQ(h.voice.logouts[0].viewer_session, "vs-1");
  auto gone = h.poll(idle.session);
  EXPECT_EQ(gone->reply.status, 404u);
  // The start-up handle still works for the console.
  auto list = startup.send_message({{"request", "list"}})->json();
  EXPECT_EQ(list["plugindata"]["data"]["audiobridge"], "success");
}

TEST_F(JanusGatewayTest, SessionTimesOutAtSixtySecondsWithoutRequests) {
  AddonClient client(h, Flavour::OpenSim);
  client.create_session();
  h.advance(59s);
  h.sweep();
  EXPECT_EQ(h.gateway->stats().sessions, 1u);
  client.attach();  // any request counts
  h.advance(59s);
  h.sweep();
  EXPECT_EQ(h.gateway->stats().sessions, 1u);
  h.advance(1s);
  h.sweep();
  EXPECT_EQ(h.gateway->stats().sessions, 0u);
}

TEST_F(JanusGatewayTest, SecondPollOnASessionTakesOverTheFirst) {
  AddonClient client(h, Flavour::OpenSim);
  client.create_session();
  auto first = h.poll(client.session);
  auto second = h.poll(client.session);
  ASSERT_TRUE(first->answered());
  EXPECT_EQ(first->json()["janus"], "keepalive");
  EXPECT_FALSE(second->answered());
  EXPECT_EQ(h.gateway->stats().polls_superseded, 1u);
}

TEST_F(JanusGatewayTest, DestroyAnswersTheSessionsOwnPollSoTheAddonsLoopEndsQuietly) {
  AddonClient client(h, Flavour::OpenSim);
  client.create_session();
  client.attach();
  auto poll = h.poll(client.session);
  client.destroy();
  ASSERT_TRUE(poll->answered());
  EXPECT_EQ(poll->reply.status, 200u);
  EXPECT_EQ(poll->json()["janus"], "keepalive");
}

TEST_F(JanusGatewayTest, WrongOrMissingApiSecretIsJanus403) {
  const std::string expected_reason = "Unauthorized request (wrong or missing secret/token)";
  for (const auto* body : {
           R"({"janus":"create","transaction":"t1","apisecret":"wrong"})",
           R"({"janus":"create","transaction":"t1"})",
           R"({"janus":"create","transaction":"t1","apisecret":42})",
           R"({"janus":"create","transaction":"t1","apisecret":"janusoverlor"})",
           R"({"janus":"create","transaction":"t1","apisecret":"janusoverlordx"})",
       }) {
    auto reply = h.call({}, body);
    EXPECT_EQ(reply, json({{"janus", "error"},
                           {"transaction", "t1"},
                           {"error", {{"code", 403}, {"reason", expected_reason}}}}))
        << body;
  }
  EXPECT_EQ(h.gateway->stats().sessions, 0u);

  AddonClient client(h, Flavour::OpenSim);
  client.create_session();
  // A GET checks the query's secret: HTTP 403 so the addon's poll loop stops.
  for (const auto& secret : {std::optional<std::string>("nope"), std::optional<std::string>()}) {
    auto poll = h.poll(client.session, secret);
    ASSERT_TRUE(poll->answered());
    EXPECT_EQ(poll->reply.status, 403u);
    expect_janus_error(poll->json(), 403);
  }
  auto info = h.request("GET", {"info"}, "", "nope");
  EXPECT_EQ(info->reply.status, 403u);
  // A session-level request with the wrong secret says nothing about the session.
  auto attach =
      h.call(client.session_path(), R"({"janus":"attach","plugin":"janus.plugin.audiobridge",)"
                                    R"("transaction":"t2","apisecret":"wrong"})");
  expect_janus_error(attach, 403);
  EXPECT_EQ(h.gateway->stats().requests_unauthorized, 9u);
}

TEST_F(JanusGatewayTest, EmptyConfiguredSecretRefusesEverything) {
  auto config = GatewayHarness::default_config();
  config.api_secret.clear();
  config.admin_secret.clear();
  GatewayHarness open(config);
  expect_janus_error(open.call({}, R"({"janus":"create","transaction":"t","apisecret":""})"), 403);
  expect_janus_error(open.call({}, R"({"janus":"create","transaction":"t"})"), 403);
  auto admin =
      open.request("POST", {}, R"({"janus":"list_sessions","transaction":"t","admin_secret":""})",
                   std::nullopt, /*admin=*/true);
  expect_janus_error(admin->json(), 403);
}

TEST_F(JanusGatewayTest, AdminListSessionsUsesItsOwnSecret) {
  AddonClient a(h, Flavour::OpenSim);
  AddonClient b(h, Flavour::OpenSim);
  a.create_session();
  b.create_session();
  auto listed =
      h.request("POST", {},
                R"({"janus":"list_sessions","transaction":"t","admin_secret":"janusadminsecret"})",
                std::nullopt, true)
          ->json();
  EXPECT_EQ(listed["janus"], "success");
  EXPECT_EQ(listed["transaction"], "t");
  auto sessions = listed["sessions"].get<std::vector<std::uint64_t>>();
  std::sort(sessions.begin(), sessions.end());
  std::vector<std::uint64_t> expected{a.session, b.session};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(sessions, expected);

  // The API secret is not the admin secret.
  auto refused = h.request(
      "POST", {}, R"({"janus":"list_sessions","transaction":"t","admin_secret":"janusoverlord"})",
      std::nullopt, true);
  expect_janus_error(refused->json(), 403);
  auto unknown = h.request(
      "POST", {},
      R"({"janus":"destroy_session","transaction":"t","admin_secret":"janusadminsecret"})",
      std::nullopt, true);
  expect_janus_error(unknown->json(), 453);
}

TEST_F(JanusGatewayTest, InfoDescribesTheServer) {
  auto info = h.request("GET", {"info"}, "", std::string(kApiSecret));
  ASSERT_TRUE(info->answered());
  auto reply = info->json();
  EXPECT_EQ(reply["janus"], "server_info");
  EXPECT_EQ(reply["version_string"], "0.1.0");
  EXPECT_EQ(reply["server-name"], "webvoxd-test");
  EXPECT_EQ(reply["session-timeout"], 60);
  EXPECT_TRUE(reply["plugins"].contains("janus.plugin.audiobridge"));
  // POST "info" at the root answers too; a POST to /info does not.
  auto posted = h.call({}, R"({"janus":"info","transaction":"i","apisecret":"janusoverlord"})");
  EXPECT_EQ(posted["janus"], "server_info");
  EXPECT_EQ(posted["transaction"], "i");
  expect_janus_error(
      h.call({"info"}, R"({"janus":"info","transaction":"i","apisecret":"janusoverlord"})"), 450);
}

TEST_F(JanusGatewayTest, IdsInTheBodyAreReadExactlyAndChecked) {
  AddonClient client(h, Flavour::OpenSim);
  client.create_session();
  // Routing by the body's ids where the path has none, as Janus does.
  auto attach =
      h.call({}, R"({"janus":"attach","plugin":"janus.plugin.audiobridge","transaction":"t",)"
                 R"("apisecret":"janusoverlord","session_id":)" +
                     std::to_string(client.session) + "}");
  EXPECT_EQ(attach["janus"], "success");
  // A body id that differs from the path (in its 64th bit only) is a conflict.
  const std::uint64_t twin = client.session ^ (std::uint64_t{1} << 63);
  auto conflict = h.call(client.session_path(),
                         R"({"janus":"keepalive","transaction":"t","apisecret":"janusoverlord",)"
                         R"("session_id":)" +
                             std::to_string(twin) + "}");
  expect_janus_error(conflict, 457);
  // The largest 64-bit participant id survives a join and a listing.
  client.handle = attach["data"]["id"].get<std::uint64_t>();
  client.create_room(7, false, "");
  auto join = client.send_message(
      {{"request", "join"}, {"room", 7}, {"id", UINT64_MAX}, {"display", kAgent}}, kViewerOffer);
  h.voice.succeed(0, "vs", "answer");
  auto joined = join->json();
  EXPECT_EQ(joined["plugindata"]["data"]["id"].get<std::uint64_t>(), UINT64_MAX);
  EXPECT_NE(join->reply.body.find("18446744073709551615"), std::string::npos);
  // Path ids: digits only, no overflow.
  for (const auto* segment : {"18446744073709551616", "12a", "-1", "0", "+5"}) {
    auto reply =
        h.post({segment}, R"({"janus":"keepalive","transaction":"t","apisecret":"janusoverlord"})");
    EXPECT_EQ(reply->reply.status, 404u) << segment;
    expect_janus_error(reply->json(), 457);
  }
}

TEST_F(JanusGatewayTest, GarbageGetsOneJanusErrorEach) {
  struct Case {
    std::string body;
    int code;
  };
  std::string deep(20000, '[');
  deep += std::string(20000, ']');
  const std::vector<Case> cases{
      {"", 454},
      {"not json", 454},
      {"{\"janus\":\"create\"", 454},
      {"{\"janus\":\"create\",\"transaction\":\"\xff\xfe\"}", 454},
      {"[]", 455},
      {"42", 455},
      {deep, 455},
      {"{}", 456},
      {R"({"janus":"create"})", 456},
      {R"({"transaction":"t"})", 456},
      {R"({"transaction":7,"janus":"create"})", 467},
      {R"({"transaction":"t","janus":["create"]})", 467},
      {std::string(70000, ' ') + "{}", 454},
  };
  for (const auto& test : cases) {
    auto answer = h.post({}, test.body);
    ASSERT_TRUE(answer->answered()) << test.body.substr(0, 80);
    EXPECT_EQ(answer->reply.status, 200u);
    expect_janus_error(answer->json(), test.code);
  }
  EXPECT_EQ(h.gateway->stats().requests_malformed, cases.size());
  // Unknown verbs and methods.
  expect_janus_error(
      h.call({}, R"({"janus":"frobnicate","transaction":"t","apisecret":"janusoverlord"})"), 457);
  AddonClient client(h, Flavour::OpenSim);
  client.create_session();
  expect_janus_error(
      h.call(client.session_path(),
             R"({"janus":"frobnicate","transaction":"t","apisecret":"janusoverlord"})"),
      453);
  auto put = h.request("PUT", {}, "{}");
  EXPECT_EQ(put->reply.status, 405u);
  expect_janus_error(put->json(), 450);
  auto deep_path = h.post({"1", "2", "3"}, "{}");
  EXPECT_EQ(deep_path->reply.status, 404u);
  expect_janus_error(deep_path->json(), 457);
}

TEST_F(JanusGatewayTest, SessionAndHandleErrorsAreJanuss) {
  expect_janus_error(h.call({"123456"}, R"({"janus":"attach","plugin":"janus.plugin.audiobridge",)"
                                        R"("transaction":"t","apisecret":"janusoverlord"})"),
                     458);
  AddonClient client(h, Flavour::OpenSim);
  client.create_session();
  auto other_plugin =
      h.call(client.session_path(), R"({"janus":"attach","plugin":"janus.plugin.videoroom",)"
                                    R"("transaction":"t","apisecret":"janusoverlord"})");
  expect_janus_error(other_plugin, 460);
  expect_janus_error(h.call(client.session_path(),
                            R"({"janus":"attach","transaction":"t","apisecret":"janusoverlord"})"),
                     456);
  client.handle = 999;
  expect_janus_error(client.detach(), 459);
  // Handle-level requests need a handle; session-level ones refuse one in the path.
  client.handle = 0;
  expect_janus_error(
      h.call(
          client.session_path(),
          R"({"janus":"message","body":{"request":"list"},"transaction":"t","apisecret":"janusoverlord"})"),
      457);
  client.attach();
  expect_janus_error(
      h.call(
          client.handle_path(),
          R"({"janus":"attach","plugin":"janus.plugin.audiobridge","transaction":"t","apisecret":"janusoverlord"})"),
      457);
  expect_janus_error(h.call(client.handle_path(),
                            R"({"janus":"message","transaction":"t","apisecret":"janusoverlord"})"),
                     456);
  expect_janus_error(h.call(client.handle_path(),
                            R"({"janus":"trickle","transaction":"t","apisecret":"janusoverlord"})"),
                     456);
  expect_janus_error(
      h.call(
          client.handle_path(),
          R"({"janus":"trickle","candidate":{},"candidates":[],"transaction":"t","apisecret":"janusoverlord"})"),
      454);
  expect_janus_error(
      h.call(
          client.handle_path(),
          R"({"janus":"trickle","candidates":{},"transaction":"t","apisecret":"janusoverlord"})"),
      467);
  auto keepalive = h.call(client.session_path(),
                          R"({"janus":"keepalive","transaction":"k","apisecret":"janusoverlord"})");
  EXPECT_EQ(keepalive,
            json({{"janus", "ack"}, {"session_id", client.session}, {"transaction", "k"}}));
}

TEST_F(JanusGatewayTest, AudioBridgeErrorsAreAudioBridges) {
  AddonClient client(h, Flavour::OpenSim);
  client.create_session();
  client.attach();
  // Join checks, in Janus's order; join errors come as events (the addon accepts them).
  auto no_room = client.join(77)->json();
  EXPECT_EQ(no_room["janus"], "event");
  expect_audiobridge_error(no_room, 485);
  client.create_room(77, true, region_room_description());
  auto no_display = client.send_message({{"request", "join"}, {"room", 77}}, kViewerOffer)->json();
  expect_audiobridge_error(no_display, 483);
  auto bad_display =
      client
          .send_message({{"request", "join"}, {"room", 77}, {"display", "Jane Doe"}}, kViewerOffer)
          ->json();
  expect_audiobridge_error(bad_display, 484);
  auto no_offer = client.send_message(client.join_body(77, kAgent))->json();
  expect_audiobridge_error(no_offer, 493);
  auto string_room =
      client.send_message({{"request", "join"}, {"room", "77"}, {"display", kAgent}}, kViewerOffer)
          ->json();
  expect_audiobridge_error(string_room, 484);
  auto no_request = client.send_message({{"room", 77}})->json();
  EXPECT_EQ(no_request["janus"], "success");
  expect_audiobridge_error(no_request, 483);
  auto unknown = client.send_message({{"request", "frobnicate"}})->json();
  expect_audiobridge_error(unknown, 482);
  auto unsupported = client.send_message({{"request", "changeroom"}, {"room", 77}})->json();
  expect_audiobridge_error(unsupported, 482);
  expect_audiobridge_error(client.leave(77, 1), 487);
  expect_audiobridge_error(client.send_message({{"request", "configure"}})->json(), 487);
  expect_audiobridge_error(
      client.send_message({{"request", "listparticipants"}, {"room", 78}})->json(), 485);
  expect_audiobridge_error(client.send_message({{"request", "destroy"}, {"room", 78}})->json(),
                           485);
  EXPECT_TRUE(h.voice.provisions.empty());
}

TEST_F(JanusGatewayTest, JsepMustBeAnOffer) {
  AddonClient client(h, Flavour::OpenSim);
  client.create_session();
  client.attach();
  client.create_room(77, true, region_room_description());
  auto with_jsep = [&](json jsep) {
    json body = {{"janus", "message"},
                 {"transaction", "t"},
                 {"apisecret", kApiSecret},
                 {"body", client.join_body(77, kAgent)},
                 {"jsep", std::move(jsep)}};
    return h.call(client.handle_path(), body.dump());
  };
  expect_janus_error(with_jsep({{"type", "answer"}, {"sdp", "v=0"}}), 469);
  expect_janus_error(with_jsep({{"type", "pranswer"}, {"sdp", "v=0"}}), 464);
  expect_janus_error(with_jsep({{"type", "offer"}}), 456);
  expect_janus_error(with_jsep({{"type", "offer"}, {"sdp", 5}}), 467);
  expect_janus_error(with_jsep("offer"), 455);
  EXPECT_TRUE(h.voice.provisions.empty());
}

TEST_F(JanusGatewayTest, ProvisionFailureIsAnAudioBridgeErrorEvent) {
  AddonClient client(h, Flavour::OpenSim);
  client.create_session();
  client.attach();
  client.create_room(kEstateRoom, true, region_room_description());
  auto join = client.join(kEstateRoom);
  h.voice.fail(0, ProvisionFailure::BadOffer, "no Opus in the offer");
  auto reply = join->json();
  EXPECT_EQ(reply["janus"], "event");
  EXPECT_EQ(reply["transaction"], client.last_transaction);
  expect_audiobridge_error(reply, 493);
  EXPECT_FALSE(reply.contains("jsep"));
  EXPECT_EQ(h.gateway->stats().participants, 0u);
  EXPECT_EQ(h.gateway->stats().joins_failed, 1u);
}

TEST_F(JanusGatewayTest, ProvisionThatNeverAnswersTimesOutAndItsLateSessionIsLoggedOut) {
  AddonClient client(h, Flavour::OpenSim);
  client.create_session();
  client.attach();
  client.create_room(kEstateRoom, true, region_room_description());
  auto join = client.join(kEstateRoom);
  auto poll = h.poll(client.session);
  h.advance(19s);
  h.sweep();
  EXPECT_FALSE(join->answered());
  h.advance(1s);
  h.sweep();
  ASSERT_TRUE(join->answered());
  expect_audiobridge_error(join->json(), 499);
  EXPECT_EQ(h.gateway->stats().joins_timed_out, 1u);
  EXPECT_EQ(h.gateway->stats().participants, 0u);
  // The provision answers late: its session is not used, so it is logged out, but not from
  // inside the callback (the media thread) — on the next call from the HTTP side.
  h.voice.succeed(0, "vs-late", "answer");
  EXPECT_EQ(join->calls, 1);
  EXPECT_TRUE(h.voice.logouts.empty());
  h.sweep();
  ASSERT_EQ(h.voice.logouts.size(), 1u);
  EXPECT_EQ(h.voice.logouts[0].viewer_session, "vs-late");
}

TEST_F(JanusGatewayTest, ProvisionAnsweredInsideTheCallIsFine) {
  // A ViewerVoice that calls `done` before provision() returns must not deadlock the door.
  struct Immediate : testing::FakeViewerVoice {
    void provision(ProvisionRequest request, std::function<void(ProvisionOutcome)> done) override {
      done(Provisioned{"vs-now", "answer-now"});
      request.on_event(SessionEvent::MediaUp);
    }
  } voice;
  JanusGateway gateway(voice, GatewayHarness::default_config());
  std::vector<JanusHttpReply> replies;
  auto send = [&](std::vector<std::string> path, std::string body) {
    JanusHttpRequest request{"POST", {}, std::nullopt, body};
    for (const auto& segment : path) request.path.push_back(segment);
    const auto before = replies.size();
    gateway.handle(request, JanusClock::now(),
                   [&](JanusHttpReply reply) { replies.push_back(reply); });
    EXPECT_EQ(replies.size(), before + 1);
    return json::parse(replies.back().body);
  };
  const auto session =
      send({}, R"({"janus":"create","transaction":"t","apisecret":"janusoverlord"})")["data"]["id"]
          .get<std::uint64_t>();
  const auto handle =
      send(
          {std::to_string(session)},
          R"({"janus":"attach","plugin":"janus.plugin.audiobridge","transaction":"t","apisecret":"janusoverlord"})")
          ["data"]["id"]
              .get<std::uint64_t>();
  const std::vector<std::string> path{std::to_string(session), std::to_string(handle)};
  send(
      path,
      R"({"janus":"message","transaction":"t","apisecret":"janusoverlord","body":{"request":"create","room":5}})");
  auto joined = send(path, json({{"janus", "message"},
                                 {"transaction", "j"},
                                 {"apisecret", kApiSecret},
                                 {"body", {{"request", "join"}, {"room", 5}, {"display", kAgent}}},
                                 {"jsep", {{"type", "offer"}, {"sdp", kViewerOffer}}}})
                               .dump());
  EXPECT_EQ(joined["plugindata"]["data"]["audiobridge"], "joined");
  EXPECT_EQ(joined["jsep"]["sdp"], "answer-now");
}

TEST_F(JanusGatewayTest, SecondJoinOnAHandleReplacesTheFirst) {
  auto viewer = joined_viewer(0, "vs-1");
  auto second = viewer.join(kEstateRoom);
  // The older viewer session is the door's to end.
  ASSERT_EQ(h.voice.logouts.size(), 1u);
  EXPECT_EQ(h.voice.logouts[0].viewer_session, "vs-1");
  ASSERT_EQ(h.voice.provisions.size(), 2u);
  h.voice.succeed(1, "vs-2", "answer-2");
  auto joined = second->json();
  EXPECT_EQ(joined["plugindata"]["data"]["audiobridge"], "joined");
  EXPECT_EQ(joined["plugindata"]["data"]["id"].get<std::uint64_t>(), kBigParticipantId);
  EXPECT_EQ(h.gateway->stats().participants, 1u);
  // A late Ended of the replaced session does not hang up the new one.
  h.voice.raise(0, SessionEvent::Ended);
  EXPECT_EQ(h.gateway->stats().queued_events, 0u);
  EXPECT_EQ(h.gateway->stats().participants, 1u);
}

TEST_F(JanusGatewayTest, SecondJoinWhileTheFirstIsPendingAnswersTheFirst) {
  AddonClient client(h, Flavour::OpenSim);
  client.create_session();
  client.attach();
  client.create_room(kEstateRoom, true, region_room_description());
  auto first = client.join(kEstateRoom);
  auto second = client.join(kEstateRoom);
  ASSERT_TRUE(first->answered());
  expect_audiobridge_error(first->json(), 499);
  h.voice.succeed(0, "vs-1", "a1");  // too late: logged out on the next call
  h.voice.succeed(1, "vs-2", "a2");
  EXPECT_EQ(first->calls, 1);
  EXPECT_EQ(second->json()["jsep"]["sdp"], "a2");
  h.sweep();
  ASSERT_EQ(h.voice.logouts.size(), 1u);
  EXPECT_EQ(h.voice.logouts[0].viewer_session, "vs-1");
}

TEST_F(JanusGatewayTest, SameAgentOnANewHandleTakesTheSeatInsteadOf490) {
  // [OS]'s participant id comes from the agent: a reconnect before the old handle is gone
  // would be 490 from Janus; here the newer session takes over (ViewerVoice replaces it).
  auto old_viewer = joined_viewer(0, "vs-old");
  auto old_poll = h.poll(old_viewer.session);
  auto new_viewer = joined_viewer(1, "vs-new");
  EXPECT_TRUE(h.voice.logouts.empty());  // ViewerVoice replaces same agent + room itself
  EXPECT_EQ(h.gateway->stats().participants, 1u);
  h.voice.raise(0, SessionEvent::Ended);  // ViewerVoice ends the older session
  ASSERT_TRUE(old_poll->answered());
  EXPECT_EQ(old_poll->json()["janus"], "hangup");
  EXPECT_EQ(old_poll->json()["sender"], old_viewer.handle);
  EXPECT_EQ(h.gateway->stats().participants, 1u);
  auto listed =
      new_viewer.send_message({{"request", "listparticipants"}, {"room", kEstateRoom}})->json();
  ASSERT_EQ(listed["plugindata"]["data"]["participants"].size(), 1u);
  // A different agent with the same id is Janus's 490.
  AddonClient intruder(h, Flavour::OpenSim);
  intruder.create_session();
  intruder.attach();
  auto clash = intruder.join(kEstateRoom, "00000000-0000-4000-8000-000000000001")->json();
  expect_audiobridge_error(clash, 490);
}

TEST_F(JanusGatewayTest, JoinedListsTheOthersInTheRoom) {
  joined_viewer(0, "vs-1", Flavour::Misterblue, "00000000-0000-4000-8000-00000000000a");
  AddonClient second(h, Flavour::Misterblue);
  second.create_session();
  second.attach();
  auto join = second.join(kEstateRoom, "00000000-0000-4000-8000-00000000000b");
  h.voice.succeed(1, "vs-2", "answer");
  auto data = join->json()["plugindata"]["data"];
  ASSERT_EQ(data["participants"].size(), 1u);
  EXPECT_EQ(data["participants"][0]["display"], "00000000-0000-4000-8000-00000000000a");
  EXPECT_NE(data["participants"][0]["id"], data["id"]);
}

TEST_F(JanusGatewayTest, PinnedRoomsNeedThePin) {
  AddonClient client(h, Flavour::OpenSim);
  client.create_session();
  client.attach();
  client.create_room(55, false, "gridhash/multiagent/", "creds");
  auto listed = client.send_message({{"request", "list"}})->json();
  EXPECT_EQ(listed["plugindata"]["data"]["list"][0]["pin_required"], true);
  expect_audiobridge_error(client.join(55)->json(), 483);
  auto body = client.join_body(55, kAgent);
  body["pin"] = "wrong";
  expect_audiobridge_error(client.send_message(body, kViewerOffer)->json(), 489);
  body["pin"] = "creds";
  auto join = client.send_message(body, kViewerOffer);
  ASSERT_EQ(h.voice.provisions.size(), 1u);
  EXPECT_EQ(h.voice.provisions[0].request.room.id, "gridhash/multiagent/");
  EXPECT_FALSE(h.voice.provisions[0].request.room.spatial);
}

TEST_F(JanusGatewayTest, RoomListingExistsAndDestroy) {
  auto viewer = joined_viewer(0, "vs-1");
  auto poll = h.poll(viewer.session);
  viewer.create_room(12, false, "something else", "");
  auto list = viewer.send_message({{"request", "list"}})->json();
  EXPECT_EQ(list["janus"], "success");
  const auto& rooms = list["plugindata"]["data"]["list"];
  ASSERT_EQ(rooms.size(), 2u);
  for (const auto& room : rooms) {
    EXPECT_EQ(room["sampling_rate"], 48000);
    EXPECT_EQ(room["record"], false);
    if (room["room"] == kEstateRoom) {
      EXPECT_EQ(room["description"], region_room_description());
      EXPECT_EQ(room["spatial_audio"], true);
      EXPECT_EQ(room["num_participants"], 1);
    } else {
      EXPECT_EQ(room["room"], 12);
      EXPECT_EQ(room["num_participants"], 0);
    }
  }
  auto exists = viewer.send_message({{"request", "exists"}, {"room", 12}})->json();
  EXPECT_EQ(exists["plugindata"]["data"]["exists"], true);
  // Destroying a room in use hangs its participants up, as AudioBridge does.
  auto destroyed =
      viewer.send_message({{"request", "destroy"}, {"room", kEstateRoom}, {"permanent", true}})
          ->json();
  EXPECT_EQ(destroyed["janus"], "success");
  EXPECT_EQ(destroyed["plugindata"]["data"]["audiobridge"], "destroyed");
  ASSERT_EQ(h.voice.logouts.size(), 1u);
  ASSERT_TRUE(poll->answered());
  EXPECT_EQ(poll->json()["plugindata"]["data"]["audiobridge"], "destroyed");
  EXPECT_EQ(h.poll(viewer.session)->json()["janus"], "hangup");
  exists = viewer.send_message({{"request", "exists"}, {"room", kEstateRoom}})->json();
  EXPECT_EQ(exists["plugindata"]["data"]["exists"], false);
}

TEST_F(JanusGatewayTest, ConfigureIsAcceptedAndIgnored) {
  auto viewer = joined_viewer(0, "vs-1");
  auto reply = viewer.send_message({{"request", "configure"}, {"muted", true}})->json();
  EXPECT_EQ(reply["janus"], "event");
  EXPECT_EQ(reply["plugindata"]["data"]["result"], "ok");
}

TEST_F(JanusGatewayTest, CandidatesBeforeTheAnswerAreKeptForTheSession) {
  AddonClient client(h, Flavour::OpenSim);
  client.create_session();
  client.attach();
  client.create_room(kEstateRoom, true, region_room_description());
  auto join = client.join(kEstateRoom);
  client.trickle_candidates(
      json::array({{{"candidate", "1 1 udp 2122260223 10.0.0.2 60002 typ host"},
                    {"sdpMid", "0"},
                    {"sdpMLineIndex", 0}}}),
      "");
  client.trickle_completed();
  EXPECT_TRUE(h.voice.trickles.empty());
  h.voice.succeed(0, "vs-1", "answer");
  EXPECT_TRUE(h.voice.trickles.empty());  // not from inside the callback
  h.sweep();
  ASSERT_EQ(h.voice.trickles.size(), 1u);
  EXPECT_EQ(h.voice.trickles[0].viewer_session, "vs-1");
  ASSERT_EQ(h.voice.trickles[0].candidates.size(), 1u);
  EXPECT_EQ(h.voice.trickles[0].candidates[0].port, 60002);
  EXPECT_TRUE(h.voice.trickles[0].completed);
  // Without a join, candidates have nowhere to go: acknowledged and counted.
  AddonClient idle(h, Flavour::Misterblue);
  idle.create_session();
  idle.attach();
  EXPECT_EQ(idle.trickle_candidates(json::array({{{"candidate", "1 1 udp 1 10.0.0.3 1 typ host"}}}),
                                    "x")["janus"],
            "ack");
  EXPECT_EQ(h.gateway->stats().candidates_without_join, 1u);
}

TEST_F(JanusGatewayTest, LimitsAreEnforcedWithJanusErrors) {
  auto config = GatewayHarness::default_config();
  config.max_sessions = 3;
  config.max_handles_per_session = 2;
  config.max_rooms = 2;
  config.max_events_per_session = 4;
  config.max_candidates_per_trickle = 2;
  GatewayHarness small(config);
  std::vector<AddonClient> clients;
  for (int i = 0; i < 3; ++i) {
    clients.emplace_back(small, Flavour::OpenSim);
    clients.back().create_session();
  }
  AddonClient extra(small, Flavour::OpenSim);
  expect_janus_error(extra.create_session(), 472);
  auto& client = clients[0];
  client.attach();
  client.attach();
  expect_janus_error(client.attach(), 461);
  client.create_room(1, true, "");
  client.create_room(2, true, "");
  expect_audiobridge_error(client.create_room(3, true, ""), 499);

  auto join = client.join(1);
  small.voice.succeed(0, "vs", "answer");
  for (int i = 0; i < 10; ++i) small.voice.raise(0, SessionEvent::MediaUp);
  EXPECT_EQ(small.gateway->stats().queued_events, 4u);
  EXPECT_EQ(small.gateway->stats().events_dropped_queue_full, 6u);

  json many = json::array();
  for (int i = 0; i < 5; ++i) {
    many.push_back(
        {{"candidate", "1 1 udp 2122260223 10.0.0.2 6000" + std::to_string(i) + " typ host"}});
  }
  client.trickle_candidates(many, "vs");
  ASSERT_EQ(small.voice.trickles.size(), 1u);
  EXPECT_EQ(small.voice.trickles[0].candidates.size(), 2u);
  EXPECT_EQ(small.gateway->stats().candidates_over_limit, 3u);

  // Bodies and SDPs have a size limit too.
  auto big_sdp = client.send_message(client.join_body(1, kAgent), std::string(70 * 1024, 'a'));
  expect_janus_error(big_sdp->json(), 454);  // over the body limit first
  auto long_description = client.create_room(9, true, std::string(2000, 'd'));
  expect_audiobridge_error(long_description, 484);
}

TEST_F(JanusGatewayTest, EmptyRoomsAreForgottenAfterTenMinutes) {
  AddonClient client(h, Flavour::OpenSim);
  client.create_session();
  client.attach();
  client.create_room(kEstateRoom, true, region_room_description());
  for (int step = 0; step < 12; ++step) {
    h.advance(50s);
    // Keep the session (not the room) alive.
    h.call(client.session_path(),
           R"({"janus":"keepalive","transaction":"k","apisecret":"janusoverlord"})");
    h.sweep();
    EXPECT_EQ(h.gateway->stats().rooms, step < 11 ? 1u : 0u) << step;
  }
  EXPECT_EQ(h.gateway->stats().rooms, 0u);
  // Re-created on the next provision, as the addon does for every viewer session.
  EXPECT_EQ(client.create_room(kEstateRoom, true,
                               region_room_description())["plugindata"]["data"]["audiobridge"],
            "created");
}

TEST_F(JanusGatewayTest, CloseAnswersEverythingAndLogsOut) {
  auto viewer = joined_viewer(0, "vs-1");
  auto poll = h.poll(viewer.session);
  AddonClient pending(h, Flavour::Misterblue);
  pending.create_session();
  pending.attach();
  auto join = pending.join(kEstateRoom, "00000000-0000-4000-8000-000000000002");
  h.gateway->close();
  EXPECT_TRUE(poll->answered());
  ASSERT_TRUE(join->answered());
  expect_audiobridge_error(join->json(), 499);
  ASSERT_EQ(h.voice.logouts.size(), 1u);
  auto after = h.post({}, R"({"janus":"create","transaction":"t","apisecret":"janusoverlord"})");
  EXPECT_EQ(after->reply.status, 503u);
  h.gateway->close();  // idempotent
}

TEST_F(JanusGatewayTest, ConcurrentRequestsAndCallbacksAnswerEachRequestOnce) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 60;
  std::atomic<int> answered{0};
  std::atomic<int> sent{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        const auto now = JanusClock::time_point{} + std::chrono::seconds(round);
        auto respond = [&](JanusHttpReply reply) {
          EXPECT_TRUE(json::parse(reply.body, nullptr, false).is_object());
          ++answered;
        };
        std::string body = R"({"janus":"create","transaction":"t","apisecret":"janusoverlord"})";
        JanusHttpRequest create{"POST", {}, std::nullopt, body};
        std::uint64_t session = 0;
        ++sent;
        h.gateway->handle(create, now, [&](JanusHttpReply reply) {
          session = json::parse(reply.body)["data"]["id"].get<std::uint64_t>();
          ++answered;
        });
        const std::string id = std::to_string(session);
        const std::string secret(kApiSecret);
        JanusHttpRequest poll{"GET", {id}, std::string_view(secret), ""};
        ++sent;
        h.gateway->handle(poll, now, respond);
        if (t == 0) h.gateway->sweep(now + std::chrono::seconds(40));
        std::string destroy =
            R"({"janus":"destroy","transaction":"d","apisecret":"janusoverlord"})";
        JanusHttpRequest request{"POST", {id}, std::nullopt, destroy};
        ++sent;
        h.gateway->handle(request, now, respond);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(answered.load(), sent.load());
  EXPECT_EQ(h.gateway->stats().sessions, 0u);
}

}  // namespace
}  // namespace webvox::viewer
