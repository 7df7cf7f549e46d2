#pragma once

#include "http/websocket.hpp"
#include "signalling/signalling_hub.hpp"

namespace webvox::app {

// The signalling sessions' clock (steady and system time now).
signalling::SessionClock signalling_now();

// Serves the signalling protocol (docs/signalling.md) on WebSocket path /signal.
class SignallingEndpoint final : public http::WebSocketService {
 public:
  explicit SignallingEndpoint(signalling::SignallingHub& hub) : hub_(hub) {}

  bool accepts(const http::Request& request) const override;
  std::shared_ptr<http::WebSocketHandler> open(
      const http::Request& request, std::shared_ptr<http::WebSocketConnection> connection) override;

 private:
  signalling::SignallingHub& hub_;
};

}  // namespace webvox::app
