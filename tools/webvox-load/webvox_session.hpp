// A participant of webvoxd's server-forwarded voice, signed in as the browser does
// (docs/signalling.md, "Server-forwarded voice"): hello with a join token, join, position,
// sfu-offer with one sendonly microphone and `slots` recvonly slots, sfu-answer; then one
// MediaPeer carries both directions to webvoxd's media port.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <string>

#include "load_layout.hpp"
#include "load_session.hpp"
#include "media_peer.hpp"
#include "signalling_client.hpp"

namespace webvox::load {

class WebvoxSession final : public ProbeSession {
 public:
  WebvoxSession(MediaContext& media, boost::asio::ip::tcp::endpoint server, const Layout& layout,
                std::size_t slots, std::size_t index, std::string token);

  void start() override;
  void tick(std::chrono::steady_clock::time_point now) override { peer_.tick(now); }
  void speak() override;
  void stop() override;

  Stage stage() const override;
  std::string failure() const override;
  const StreamLoss& loss() const override { return peer_.loss(); }
  std::uint64_t probes_sent() const override { return peer_.probes_sent(); }
  std::uint64_t probes_sent_in_window() const override { return peer_.probes_sent_in_window(); }

 private:
  void on_message(const nlohmann::json& message);
  void fail(std::string reason);

  MediaContext& media_;
  boost::asio::ip::tcp::endpoint server_;
  const Layout& layout_;
  std::size_t slots_;
  std::size_t index_;
  std::string token_;
  MediaPeer peer_;
  std::shared_ptr<SignallingClient> signalling_;
  Stage stage_ = Stage::SigningIn;
  std::string failure_;
  bool stopped_ = false;
};

}  // namespace webvox::load
