// The JSON-RPC door (shared/spec/viewer-webrtc.md §2.7) with a ViewerVoice that answers at
// once: every body, however broken, must get exactly one reply, and that reply must be one
// well-formed JSON-RPC 2.0 response object the simulator's connector can read (a result
// object, or an error with a known code and a message), consistent with what the door asked
// the voice service to do.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz_checks.hpp"
#include "viewer/voice_rpc.hpp"

using namespace webvox;
using nlohmann::json;
using webvox::fuzz::fail;

namespace {

// Answers every provision at once: with an answer, or (for offers of odd length) a failure
// whose message carries bytes of the offer, as a real negotiation error might.
class InstantVoice : public viewer::ViewerVoice {
 public:
  void provision(viewer::ProvisionRequest request,
                 std::function<void(viewer::ProvisionOutcome)> done) override {
    ++provisions;
    if (request.agent_id.size() != 36 || request.room.id.empty()) {
      fail("provision without agent or room");
    }
    if (request.offer_sdp.size() % 2 == 1) {
      done(base::unexpected(viewer::ProvisionError{viewer::ProvisionFailure::BadOffer,
                                                   request.offer_sdp.substr(0, 700)}));
    } else {
      done(viewer::Provisioned{"vs-1", "v=0\r\n"});
    }
  }
  void trickle(const std::string&, std::vector<rtc::sdp::Candidate> candidates, bool) override {
    ++trickles;
    if (candidates.size() > 50) fail("too many candidates passed on");
  }
  void logout(const std::string&, const std::string& session) override {
    ++logouts;
    if (session.empty()) fail("logout of no session");
  }
  void logout_all(const std::string&) override { ++logouts; }

  int provisions = 0;
  int trickles = 0;
  int logouts = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  InstantVoice voice;
  viewer::VoiceRpcDoor door(voice);
  std::vector<std::string> replies;
  door.handle(input, [&](std::string text) { replies.push_back(std::move(text)); });
  if (replies.size() != 1) fail("not exactly one reply", input);

  const auto reply = json::parse(replies[0], nullptr, false);
  if (!reply.is_object()) fail("reply is not a JSON object", replies[0]);
  if (reply.size() != 3 || !reply.contains("jsonrpc") || reply["jsonrpc"] != "2.0" ||
      !reply.contains("id")) {
    fail("reply is not a JSON-RPC 2.0 response", replies[0]);
  }
  const auto& id = reply["id"];
  if (!id.is_null() && !id.is_string() && !id.is_number_integer()) {
    fail("id of the wrong type", replies[0]);
  }
  if (reply.contains("result") == reply.contains("error")) {
    fail("not exactly one of result/error", replies[0]);
  }

  const int calls = voice.provisions + voice.trickles + voice.logouts;
  if (reply.contains("error")) {
    const auto& error = reply["error"];
    static const std::set<int> kCodes = {-32700, -32600, -32601, -32602, -32001, -32002, -32003};
    if (!error.is_object() || error.size() != 2 || !error.contains("code") ||
        !error["code"].is_number_integer() || !kCodes.contains(error["code"].get<int>()) ||
        !error.contains("message") || !error["message"].is_string()) {
      fail("malformed error", replies[0]);
    }
    const int code = error["code"].get<int>();
    if (code == -32001 ? voice.provisions != 1 || calls != 1 : calls != 0) {
      fail("an error after the voice service was asked to act", replies[0]);
    }
    if (code == -32700 && !id.is_null()) fail("an id for a body that is not JSON", replies[0]);
    if (code != -32700 && code != -32600 && id.is_null()) {
      fail("id null where the request's id was known", replies[0]);
    }
  } else {
    const auto& result = reply["result"];
    if (!result.is_object()) {
      fail("result is not an object (the connector needs a map)", replies[0]);
    }
    if (id.is_null()) fail("result without the request's id", replies[0]);
    if (result.contains("jsep")) {
      if (voice.provisions != 1 || calls != 1 ||
          result != json::parse(
                        R"({"jsep":{"type":"answer","sdp":"v=0\r\n"},"viewer_session":"vs-1"})")) {
        fail("provision result wrong", replies[0]);
      }
    } else if (result.contains("response")) {
      if (voice.logouts != 1 || calls != 1 || result != json{{"response", "closed"}}) {
        fail("logout result wrong", replies[0]);
      }
    } else if (!result.empty() || voice.provisions + voice.logouts != 0 || voice.trickles > 1) {
      fail("signalling result wrong", replies[0]);
    }
  }
  if (door.count(viewer::VoiceRpcOutcome::ParseError) +
          door.count(viewer::VoiceRpcOutcome::InvalidRequest) +
          door.count(viewer::VoiceRpcOutcome::MethodNotFound) +
          door.count(viewer::VoiceRpcOutcome::InvalidParams) +
          door.count(viewer::VoiceRpcOutcome::Provisioned) +
          door.count(viewer::VoiceRpcOutcome::ProvisionFailed) +
          door.count(viewer::VoiceRpcOutcome::LoggedOut) +
          door.count(viewer::VoiceRpcOutcome::Signalled) !=
      1) {
    fail("outcome not counted once", input);
  }
  return 0;
}
