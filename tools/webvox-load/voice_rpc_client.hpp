// The viewer's path through the JSON-RPC door (option B, shared/spec/viewer-webrtc.md §2.7):
// what WebRtcVoiceServiceConnector posts to WebRtcVoiceServerURI for one viewer — a
// provision_voice_account_request carrying the viewer's map (jsep offer, channel_type "local")
// with the trusted userID and scene, then voice_signaling_request for its candidates and
// {"completed":true}. Content-Type application/json-rpc; every answer is HTTP 200.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "viewer_signalling.hpp"

namespace webvox::load {

class VoiceRpcClient final : public ViewerSignalling {
 public:
  // `path`: the door's path with its secret (/viewer-voice/<secret>).
  VoiceRpcClient(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint server,
                 std::string path, ViewerIdentity identity);

  void provision(const std::string& offer_sdp, std::function<void(ProvisionResult)> done) override;
  void trickle(std::vector<std::string> candidates) override;
  ~VoiceRpcClient() override { *stopped_ = true; }
  void stop() override { *stopped_ = true; }

 private:
  void call(const std::string& method, nlohmann::json request,
            std::function<void(const nlohmann::json* result, const std::string& failure)> done);

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::endpoint server_;
  std::string path_;
  ViewerIdentity identity_;
  std::string viewer_session_;
  std::uint64_t next_id_ = 1;
  std::shared_ptr<bool> stopped_ = std::make_shared<bool>(false);
};

}  // namespace webvox::load
