// os-webrtc-janus as the gateway sees it: the exact request bodies of spec §3.4, with the
// headers the addon adds to every POST (apisecret, transaction, and session_id / handle_id once
// known, even on a session destroy), for the merged OpenSim copy ([OS]) and Misterblue's
// repository ([MB]).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "janus_gateway_harness.hpp"

namespace webvox::viewer::testing {

enum class Flavour { OpenSim, Misterblue };

// The viewer's offer as the SL viewer munges it (spec §5.1, corrections 1-2): audio then data,
// no candidates, the rtpmap line ending in a bare "\n", the added fmtp joined by a lone "\r".
inline const std::string kViewerOffer =
    "v=0\r\n"
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE 0 1\r\n"
    "a=msid-semantic: WMS\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:Vt2x\r\n"
    "a=ice-pwd:9wTfQ3MfDTl7IqAcO8mQGbhM\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 8A:1C:96:6F:3D:31:12:32:88:7A:A0:4D:2E:5F:2D:53:2B:05:4C:1E:93:9B:"
    "25:40:65:5C:08:B4:7B:6D:AB:2E\r\n"
    "a=setup:actpass\r\n"
    "a=mid:0\r\n"
    "a=sendrecv\r\n"
    "a=rtcp-mux\r\n"
    "a=rtpmap:111 opus/48000/2\n"
    "a=fmtp:111 minptime=10;useinbandfec=1\r"
    "a=fmtp:111 minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1;maxplaybackrate=48000;"
    "sprop-maxplaybackrate=48000;sprop-maxcapturerate=48000\n"
    "a=ssrc:1001 cname:viewer\r\n"
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:Vt2x\r\n"
    "a=ice-pwd:9wTfQ3MfDTl7IqAcO8mQGbhM\r\n"
    "a=setup:actpass\r\n"
    "a=mid:1\r\n"
    "a=sctp-port:5000\r\n";

inline constexpr std::string_view kRegion = "11111111-2222-3333-4444-555555555555";
inline constexpr std::string_view kAgent = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
// Correction 5: the estate room of kRegion.
inline constexpr std::uint64_t kEstateRoom = 1948305907;
// Correction 6: [OS]'s participant ids exceed 2^53.
inline constexpr std::uint64_t kBigParticipantId = 8773840026144453456ULL;

class AddonClient {
 public:
  using Json = nlohmann::ordered_json;

  AddonClient(GatewayHarness& harness, Flavour flavour) : h_(harness), flavour_(flavour) {}

  std::uint64_t session = 0;
  std::uint64_t handle = 0;
  std::string last_transaction;

  // {"janus":"create"} → the session id.
  nlohmann::json create_session() {
    auto reply = h_.call({}, text(with_ids(headed("create"))));
    if (reply.contains("data")) session = reply["data"]["id"].get<std::uint64_t>();
    return reply;
  }
  nlohmann::json attach() {
    Json body = headed("attach");
    body["plugin"] = "janus.plugin.audiobridge";
    auto reply = h_.call(session_path(), text(with_ids(std::move(body))));
    if (reply.contains("data")) handle = reply["data"]["id"].get<std::uint64_t>();
    return reply;
  }
  // AudioBridgeCreateRoomReq ([OS] JanusMessages.cs:511-533, [MB] :477-496).
  nlohmann::json create_room(std::uint64_t room, bool spatial, std::string description,
                             std::string credentials = {}) {
    Json body = {{"room", room},       {"request", "create"},    {"is_private", false},
                 {"permanent", false}, {"sampling_rate", 48000}, {"spatial_audio", spatial},
                 {"denoise", false},   {"record", false}};
    if (!description.empty()) body["description"] = description;
    if (!credentials.empty()) body["pin"] = credentials;
    return h_.call(handle_path(), message(std::move(body)));
  }
  Json join_body(std::uint64_t room, std::string_view agent) const {
    Json body = {{"request", "join"}, {"room", room}};
    if (flavour_ == Flavour::OpenSim) body["id"] = kBigParticipantId;
    body["display"] = agent;
    return body;
  }
  // The join is answered when ViewerVoice has provisioned: the caller completes it.
  std::shared_ptr<Answer> join(std::uint64_t room, std::string_view agent = kAgent,
                               const std::string& offer = kViewerOffer) {
    return h_.post(handle_path(), message(join_body(room, agent), offer));
  }
  std::shared_ptr<Answer> send_message(Json body, std::optional<std::string> offer = {}) {
    return h_.post(handle_path(), message(std::move(body), std::move(offer)));
  }
  // [OS] TrickleReq with the viewer's candidates (single ones also travel as an array).
  nlohmann::json trickle_candidates(Json candidates, std::string_view viewer_session) {
    Json body = headed("trickle");
    body["viewer_session"] = viewer_session;
    body["candidates"] = std::move(candidates);
    return h_.call(handle_path(), text(with_ids(std::move(body))));
  }
  nlohmann::json trickle_completed() {
    Json body = headed("trickle");
    body["candidate"] = {{"completed", true}};
    return h_.call(handle_path(), text(with_ids(std::move(body))));
  }
  nlohmann::json leave(std::uint64_t room, std::uint64_t participant) {
    auto answer = h_.post(handle_path(),
                          message({{"request", "leave"}, {"room", room}, {"id", participant}}));
    EXPECT_TRUE(answer->answered());
    return answer->json();
  }
  nlohmann::json detach() { return h_.call(handle_path(), text(with_ids(headed("detach")))); }
  // DestroySessionReq to the session URI, with the handle_id the addon always adds.
  nlohmann::json destroy() { return h_.call(session_path(), text(with_ids(headed("destroy")))); }

  std::string message(Json body, std::optional<std::string> offer = {}) {
    Json out = headed("message");
    if (offer) out["jsep"] = {{"type", "offer"}, {"sdp", *offer}};
    out = with_ids(std::move(out));
    out["body"] = std::move(body);
    return text(out);
  }

  std::vector<std::string> session_path() const { return {std::to_string(session)}; }
  std::vector<std::string> handle_path() const {
    return {std::to_string(session), std::to_string(handle)};
  }

 private:
  Json headed(std::string_view janus) {
    last_transaction = "0b6a5e8e-1f3c-4d2a-9c4e-" + std::to_string(100000000000 + ++counter_);
    Json body = {{"janus", janus}, {"transaction", last_transaction}};
    return body;
  }
  Json with_ids(Json body) const {
    body["apisecret"] = kApiSecret;
    if (session != 0) body["session_id"] = session;
    if (handle != 0) body["handle_id"] = handle;
    return body;
  }
  static std::string text(const Json& body) { return body.dump(); }

  GatewayHarness& h_;
  Flavour flavour_;
  int counter_ = 0;
};

}  // namespace webvox::viewer::testing
