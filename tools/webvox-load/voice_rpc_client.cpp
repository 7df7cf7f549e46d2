#include "voice_rpc_client.hpp"

#include "http_exchange.hpp"

namespace webvox::load {

using nlohmann::json;

namespace {
constexpr auto kConnectorTimeout = std::chrono::seconds(10);  // WebUtil.PostToService's
}  // namespace

VoiceRpcClient::VoiceRpcClient(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint server,
                               std::string path, ViewerIdentity identity)
    : io_(io), server_(server), path_(std::move(path)), identity_(std::move(identity)) {}

void VoiceRpcClient::call(
    const std::string& method, json request,
    std::function<void(const json* result, const std::string& failure)> done) {
  const json body = {{"jsonrpc", "2.0"},
                     {"id", identity_.agent_id + "-" + std::to_string(next_id_++)},
                     {"method", method},
                     {"params",
                      {{"request", std::move(request)},
                       {"userID", identity_.agent_id},
                       {"scene", identity_.region_id}}}};
  auto http = http_post(path_, body.dump(), "application/json-rpc");
  http.timeout = kConnectorTimeout;
  http_exchange(
      io_, server_, std::move(http),
      [stopped = stopped_, method, done = std::move(done)](std::optional<HttpReply> reply) {
        if (*stopped) return;
        if (!reply) return done(nullptr, method + ": no HTTP answer");
        if (reply->status != 200) {
          return done(nullptr, method + ": HTTP " + std::to_string(reply->status));
        }
        const auto answer = json::parse(reply->body, nullptr, false);
        if (!answer.is_object()) return done(nullptr, method + ": the answer is not JSON");
        if (answer.contains("error")) return done(nullptr, method + ": " + answer["error"].dump());
        const auto result = answer.find("result");
        if (result == answer.end() || !result->is_object())
          return done(nullptr, method + ": no result map");
        done(&*result, {});
      });
}

void VoiceRpcClient::provision(const std::string& offer_sdp,
                               std::function<void(ProvisionResult)> done) {
  const json request = {{"jsep", {{"type", "offer"}, {"sdp", offer_sdp}}},
                        {"channel_type", "local"},
                        {"voice_server_type", "webrtc"}};
  call("provision_voice_account_request", request,
       [this, done = std::move(done)](const json* result, const std::string& failure) {
         if (!result) return done({{}, failure});
         const auto sdp = result->contains("jsep") ? (*result)["jsep"].value("sdp", "") : "";
         viewer_session_ = result->value("viewer_session", "");
         if (sdp.empty() || viewer_session_.empty())
           return done({{}, "provision: no jsep answer or viewer_session"});
         done({sdp, {}});
       });
}

void VoiceRpcClient::trickle(std::vector<std::string> candidates) {
  json list = json::array();
  for (auto& candidate : candidates) {
    list.push_back({{"sdpMid", "0"}, {"sdpMLineIndex", 0}, {"candidate", std::move(candidate)}});
  }
  const json request = {
      {"viewer_session", viewer_session_}, {"candidates", list}, {"voice_server_type", "webrtc"}};
  // One request after the other, as the viewer's signalling coroutine sends them.
  call("voice_signaling_request", request, [this](const json*, const std::string&) {
    const json completed = {{"viewer_session", viewer_session_},
                            {"candidate", {{"completed", true}}},
                            {"voice_server_type", "webrtc"}};
    call("voice_signaling_request", completed, [](const json*, const std::string&) {});
  });
}

}  // namespace webvox::load
