#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "http/http_message.hpp"

namespace webvox::http {

// One open WebSocket, as the application sees it. Callable from any thread.
class WebSocketConnection {
 public:
  virtual ~WebSocketConnection() = default;
  // Queues a text frame.
  virtual void send(std::string text) = 0;
  // Closes with this code once the queued frames are written.
  virtual void close(std::uint16_t code, std::string reason) = 0;
};

// The application's side of one WebSocket. Calls for one socket never overlap.
class WebSocketHandler {
 public:
  virtual ~WebSocketHandler() = default;
  virtual void on_message(std::string_view text) = 0;
  // The socket is closed (by either side, or it failed); no more calls follow.
  virtual void on_close() = 0;
  // ServerLimits::websocket_first_deadline after opening (e.g. to drop silent clients).
  virtual void on_deadline() {}
};

// Decides which request targets upgrade to a WebSocket and makes their handlers.
class WebSocketService {
 public:
  virtual ~WebSocketService() = default;
  virtual bool accepts(const Request& request) const = 0;
  virtual std::shared_ptr<WebSocketHandler> open(
      const Request& request, std::shared_ptr<WebSocketConnection> connection) = 0;
};

}  // namespace webvox::http
