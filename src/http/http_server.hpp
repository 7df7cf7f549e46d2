#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "http/http_message.hpp"
#include "http/websocket.hpp"

namespace webvox::http {

struct ServerLimits {
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 64 * 1024;
  std::chrono::seconds idle_timeout{30};  // per read/write/handshake
  std::size_t max_websocket_message_bytes = 64 * 1024;
  // Unsent bytes one WebSocket may hold before its peer counts as not reading and is dropped.
  std::size_t max_websocket_queue_bytes = 4 * 1024 * 1024;
  std::chrono::seconds websocket_first_deadline{10};
};

// One TCP listener that serves both HTTPS and plain HTTP on the same port: the region
// module calls https://{S}/api2 while viewers are handed http://{S}/api2 (spec §0.1).
// Each connection is told apart by its first bytes (a TLS ClientHello starts with 0x16).
class HttpServer {
 public:
  // `websockets` may be null: then no request upgrades.
  HttpServer(boost::asio::io_context& io, boost::asio::ssl::context& tls, RequestHandler& handler,
             WebSocketService* websockets, ServerLimits limits = {});
  ~HttpServer();

  // Binds and starts accepting; throws std::system_error with the OS reason on failure.
  void listen(const boost::asio::ip::tcp::endpoint& endpoint);
  // The bound endpoint (its port is the real one when listening on port 0).
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  // Stops accepting; open connections finish their current request.
  void stop();

 private:
  void accept();

  boost::asio::io_context& io_;
  boost::asio::ssl::context& tls_;
  RequestHandler& handler_;
  WebSocketService* websockets_;
  ServerLimits limits_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
};

}  // namespace webvox::http
