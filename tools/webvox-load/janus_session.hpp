// A participant of a Janus VideoRoom (audio only), for the same load side by side: a speaker
// publishes one sendonly Opus stream on its own PeerConnection; every participant subscribes,
// on a second one, to the speakers it would hear (Layout::received_speakers — Janus has no
// positions, so the client does the culling a webvoxd listener gets from the server). Both
// connections are MediaPeers against Janus run as an ICE-lite server on loopback.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "janus_api.hpp"
#include "load_layout.hpp"
#include "load_session.hpp"
#include "media_peer.hpp"

namespace webvox::load {

class JanusSession final : public ProbeSession {
 public:
  JanusSession(MediaContext& media, JanusApi& api, const Layout& layout, std::uint64_t room,
               std::size_t index);

  // Publishes (speakers only); subscribe() once every speaker has published, since Janus
  // refuses subscriptions to feeds it does not have yet.
  void start() override;
  bool published() const;
  void subscribe();

  void tick(std::chrono::steady_clock::time_point now) override;
  void speak() override;
  void stop() override;

  Stage stage() const override;
  std::string failure() const override { return failure_; }
  const StreamLoss& loss() const override { return subscriber_.loss(); }
  std::uint64_t probes_sent() const override { return publisher_ ? publisher_->probes_sent() : 0; }
  std::uint64_t probes_sent_in_window() const override {
    return publisher_ ? publisher_->probes_sent_in_window() : 0;
  }

 private:
  void publish(std::uint64_t handle);
  void fail(std::string reason);
  // The reply's plugin data, or a failure naming `step`.
  const nlohmann::json* plugin_data(const std::optional<nlohmann::json>& reply,
                                    const std::string& step);

  MediaContext& media_;
  JanusApi& api_;
  const Layout& layout_;
  std::uint64_t room_;
  std::size_t index_;
  std::unique_ptr<MediaPeer> publisher_;
  MediaPeer subscriber_;
  bool subscribing_ = false;
  std::string failure_;
};

}  // namespace webvox::load
