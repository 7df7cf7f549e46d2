// The Janus door's parsers and reply writers on their own: request envelopes, path ids, trickle
// candidates, AudioBridge requests, replies.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "viewer/janus_audiobridge_request.hpp"
#include "viewer/janus_json.hpp"
#include "viewer/janus_reply.hpp"
#include "viewer/janus_request.hpp"
#include "viewer/janus_trickle.hpp"

namespace webvox::viewer {
namespace {

using nlohmann::json;

const JanusEnvelope& envelope_of(const EnvelopeParse& parse) {
  EXPECT_TRUE(parse.has_value());
  return parse.value();
}

TEST(JanusEnvelope, ReadsTheAddonsHeaders) {
  const auto parse = parse_janus_envelope(
      R"({"janus":"Destroy","transaction":"t-1","apisecret":"s","session_id":4503599627370495,)"
      R"("handle_id":8773840026144453456})",
      65536);
  const auto& envelope = envelope_of(parse);
  EXPECT_EQ(envelope.verb, JanusVerb::Destroy);  // case-insensitive, as Janus
  EXPECT_EQ(envelope.verb_text, "Destroy");
  EXPECT_EQ(envelope.transaction, "t-1");
  EXPECT_EQ(envelope.apisecret, "s");
  EXPECT_EQ(envelope.session_id, 4503599627370495u);
  EXPECT_EQ(envelope.handle_id, 8773840026144453456u);
}

TEST(JanusEnvelope, IdsThatAreNotIntegersAreIgnoredAndNegativeHandlesAreZero) {
  const auto parse = parse_janus_envelope(
      R"({"janus":"message","transaction":"t","session_id":"12","handle_id":-5})", 65536);
  const auto& envelope = envelope_of(parse);
  EXPECT_FALSE(envelope.session_id.has_value());
  EXPECT_EQ(envelope.handle_id, 0u);
  const auto float_parse = parse_janus_envelope(
      R"({"janus":"x","transaction":"t","session_id":1.5,"handle_id":2.0})", 65536);
  const auto& floats = envelope_of(float_parse);
  EXPECT_FALSE(floats.session_id.has_value());
  EXPECT_FALSE(floats.handle_id.has_value());
  EXPECT_EQ(floats.verb, JanusVerb::Unknown);
}

TEST(JanusEnvelope, ErrorsKeepTheBodysSessionId) {
  const auto parse = parse_janus_envelope(R"({"janus":"attach","session_id":77})", 65536);
  ASSERT_FALSE(parse.has_value());
  const auto& error = parse.error();
  EXPECT_EQ(error.failure.code, JanusError::MissingMandatoryElement);
  EXPECT_EQ(error.failure.reason, "Missing mandatory element (transaction)");
  EXPECT_EQ(error.session_id, 77u);
  const auto wrong = parse_janus_envelope(R"({"janus":1,"transaction":"t"})", 65536);
  EXPECT_EQ(wrong.error().failure.reason, "Invalid element type (janus should be a string)");
  EXPECT_EQ(parse_janus_envelope("{}", 1).error().failure.code, JanusError::InvalidJson);
}

TEST(JanusPathIds, DigitsOnly) {
  EXPECT_EQ(parse_janus_id_segment("1"), 1u);
  EXPECT_EQ(parse_janus_id_segment("18446744073709551615"), UINT64_MAX);
  EXPECT_FALSE(parse_janus_id_segment("18446744073709551616"));
  EXPECT_FALSE(parse_janus_id_segment("0"));
  EXPECT_FALSE(parse_janus_id_segment(""));
  EXPECT_FALSE(parse_janus_id_segment(" 1"));
  EXPECT_FALSE(parse_janus_id_segment("0x10"));
  EXPECT_FALSE(parse_janus_id_segment("000000000000000000001"));
}

TEST(JanusTrickle, CandidateFormsTheViewerSends) {
  const auto root = json::parse(R"({"janus":"trickle","viewer_session":"v","candidates":[
      {"candidate":"1467250027 1 udp 2122260223 192.168.1.10 60001 typ host generation 0","sdpMid":"0","sdpMLineIndex":0},
      {"candidate":"candidate:2 1 udp 1686052607 203.0.113.9 60001 typ srflx raddr 192.168.1.10 rport 60001","sdpMid":"0","sdpMLineIndex":0},
      {"candidate":"","sdpMid":"0","sdpMLineIndex":0},
      {"candidate":17},
      "text",
      {"completed":true}]})");
  const auto parse = parse_janus_trickle(root, 64);
  const auto& trickled = parse.value();
  ASSERT_EQ(trickled.candidates.size(), 2u);
  EXPECT_EQ(trickled.candidates[0].foundation, "1467250027");
  EXPECT_EQ(trickled.candidates[1].related_port, 60001);
  EXPECT_EQ(trickled.rejected, 3u);
  EXPECT_TRUE(trickled.completed);
  EXPECT_EQ(trickled.over_limit, 0u);
}

TEST(JanusTrickle, SingleCandidateAndCompleted) {
  const auto single = parse_janus_trickle(
      json::parse(R"({"candidate":{"candidate":"1 1 udp 5 10.0.0.1 5000 typ host","sdpMid":"0"}})"),
      64);
  EXPECT_EQ(single.value().candidates.size(), 1u);
  EXPECT_FALSE(single.value().completed);
  const auto completed =
      parse_janus_trickle(json::parse(R"({"candidate":{"completed":true}})"), 64);
  EXPECT_TRUE(completed.value().completed);
  EXPECT_TRUE(completed.value().candidates.empty());
  const auto not_completed =
      parse_janus_trickle(json::parse(R"({"candidate":{"completed":false}})"), 64);
  EXPECT_FALSE(not_completed.value().completed);
  EXPECT_EQ(not_completed.value().rejected, 1u);
}

TEST(JanusTrickle, OnlySoManyAreRead) {
  json many = json::array();
  for (int i = 0; i < 10; ++i) many.push_back({{"candidate", "1 1 udp 5 10.0.0.1 5000 typ host"}});
  const auto parse = parse_janus_trickle(json{{"candidates", many}}, 4);
  EXPECT_EQ(parse.value().candidates.size(), 4u);
  EXPECT_EQ(parse.value().over_limit, 6u);
}

AudioBridgeFailure failure_of(const AudioBridgeParse& parse) {
  EXPECT_FALSE(parse.has_value());
  return parse.has_value() ? AudioBridgeFailure{} : parse.error();
}

TEST(AudioBridgeRequests, CreateAsTheAddonSendsIt) {
  const auto parse = parse_audiobridge_request(
      json::parse(R"({"room":1948305907,"request":"create","is_private":false,"permanent":false,)"
                  R"("sampling_rate":48000,"spatial_audio":true,"denoise":false,"record":false,)"
                  R"("description":"r/local/-999","pin":"creds"})"));
  const auto& create = std::get<AudioBridgeCreate>(parse.value());
  EXPECT_EQ(create.room, 1948305907u);
  EXPECT_TRUE(create.spatial_audio);
  EXPECT_FALSE(create.is_private);
  EXPECT_EQ(create.description, "r/local/-999");
  EXPECT_EQ(create.pin, "creds");
  EXPECT_FALSE(create.secret.has_value());
}

TEST(AudioBridgeRequests, JoinKeepsBigIdsExactly) {
  const auto parse = parse_audiobridge_request(
      json::parse(R"({"request":"join","room":5,"id":8773840026144453456,"display":"a"})"));
  const auto& join = std::get<AudioBridgeJoin>(parse.value());
  EXPECT_EQ(join.room, 5u);
  EXPECT_EQ(join.id, 8773840026144453456u);
  EXPECT_EQ(join.display, "a");
  const auto zero = parse_audiobridge_request(json::parse(R"({"request":"join","room":5,"id":0})"));
  EXPECT_FALSE(std::get<AudioBridgeJoin>(zero.value()).id.has_value());
}

TEST(AudioBridgeRequests, ValidationErrorsInJanussWords) {
  auto failure = failure_of(parse_audiobridge_request(json::parse(R"({"room":1})")));
  EXPECT_EQ(failure.code, AudioBridgeError::MissingElement);
  EXPECT_EQ(failure.reason, "Missing mandatory element (request)");
  failure = failure_of(parse_audiobridge_request(json::parse(R"({"request":"join"})")));
  EXPECT_EQ(failure.code, AudioBridgeError::MissingElement);
  EXPECT_EQ(failure.reason, "Missing mandatory element (room)");
  failure = failure_of(parse_audiobridge_request(json::parse(R"({"request":"join","room":-3})")));
  EXPECT_EQ(failure.code, AudioBridgeError::InvalidElement);
  EXPECT_EQ(failure.reason, "Invalid element type (room should be a positive integer)");
  failure = failure_of(
      parse_audiobridge_request(json::parse(R"({"request":"create","spatial_audio":"yes"})")));
  EXPECT_EQ(failure.reason, "Invalid element type (spatial_audio should be a boolean)");
  failure = failure_of(parse_audiobridge_request(json::parse(R"({"request":"listparticipants"})")));
  EXPECT_EQ(failure.code, AudioBridgeError::MissingElement);
  failure = failure_of(parse_audiobridge_request(json::parse(R"({"request":"nope"})")));
  EXPECT_EQ(failure.code, AudioBridgeError::InvalidRequest);
  EXPECT_EQ(failure.reason, "Unknown request 'nope'");
  failure = failure_of(
      parse_audiobridge_request(json::parse(R"({"request":"create","pin":"12345"})"), 4));
  EXPECT_EQ(failure.code, AudioBridgeError::InvalidElement);
  failure = failure_of(parse_audiobridge_request(json::array()));
  EXPECT_EQ(failure.code, AudioBridgeError::InvalidJson);
}

TEST(AudioBridgeRequests, TheRestOfTheSubset) {
  const auto request_of = [](const char* body) {
    return parse_audiobridge_request(json::parse(body)).value();
  };
  EXPECT_TRUE(std::holds_alternative<AudioBridgeLeave>(
      request_of(R"({"request":"leave","room":1,"id":2})")));
  EXPECT_TRUE(std::holds_alternative<AudioBridgeList>(request_of(R"({"request":"LIST"})")));
  EXPECT_TRUE(
      std::holds_alternative<AudioBridgeConfigure>(request_of(R"({"request":"configure"})")));
  const auto destroy = std::get<AudioBridgeDestroy>(
      request_of(R"({"request":"destroy","room":9,"permanent":true})"));
  EXPECT_EQ(destroy.room, 9u);
  const auto exists = std::get<AudioBridgeExists>(request_of(R"({"request":"exists","room":3})"));
  EXPECT_EQ(exists.room, 3u);
}

TEST(JanusReplies, ShapesAsJanusWritesThem) {
  EXPECT_EQ(janus_error_reply(0, std::nullopt, JanusError::InvalidJson, "bad"),
            R"({"janus":"error","error":{"code":454,"reason":"bad"}})");
  EXPECT_EQ(
      janus_error_reply(5, "t", JanusError::SessionNotFound, "No such session 5"),
      R"({"janus":"error","session_id":5,"transaction":"t","error":{"code":458,"reason":"No such session 5"}})");
  EXPECT_EQ(janus_id_reply(0, "t", 9007199254740991),
            R"({"janus":"success","transaction":"t","data":{"id":9007199254740991}})");
  EXPECT_EQ(janus_ack_reply(3, "t"), R"({"janus":"ack","session_id":3,"transaction":"t"})");
  EXPECT_EQ(janus_hangup_event(3, 4, "gone"),
            R"({"janus":"hangup","session_id":3,"sender":4,"reason":"gone"})");
  EXPECT_EQ(janus_webrtcup_event(3, 4), R"({"janus":"webrtcup","session_id":3,"sender":4})");
  EXPECT_EQ(janus_detached_event(3, 4), R"({"janus":"detached","session_id":3,"sender":4})");
  EXPECT_EQ(
      janus_plugin_reply(
          PluginReplyKind::Event, 3, 4, "t",
          audiobridge_error_data({AudioBridgeError::NoSuchRoom, "No such room (1)"})),
      R"J({"janus":"event","session_id":3,"transaction":"t","sender":4,"plugindata":{"plugin":)J"
      R"J("janus.plugin.audiobridge","data":{"audiobridge":"event","error_code":485,"error":"No such room (1)"}}})J");
  const auto joined = json::parse(janus_plugin_reply(
      PluginReplyKind::Event, 3, 4, "t", JanusJson{{"audiobridge", "joined"}}, "v=0\r\n"));
  EXPECT_EQ(joined["jsep"], json({{"type", "answer"}, {"sdp", "v=0\r\n"}}));
  EXPECT_EQ(janus_keepalive(), R"({"janus":"keepalive"})");
  const std::uint64_t ids[] = {1, 2};
  EXPECT_EQ(janus_sessions_reply("t", ids),
            R"({"janus":"success","transaction":"t","sessions":[1,2]})");
}

TEST(JanusReplies, InvalidUtf8NeverThrows) {
  EXPECT_NO_THROW({
    const auto text =
        janus_error_reply(0, std::string_view("\xff\xfe"), JanusError::Unknown, "\xc3");
    EXPECT_TRUE(json::parse(text, nullptr, false).is_object());
  });
}

}  // namespace
}  // namespace webvox::viewer
