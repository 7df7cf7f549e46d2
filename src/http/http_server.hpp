#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/log_throttle.hpp"
#include "http/http_message.hpp"
#include "http/live_connections.hpp"
#include "http/websocket.hpp"

namespace webvox::http {

// Every bound the edge puts on a connection. Times are wall-clock bounds on a whole step, not
// on each read, so a peer trickling a byte at a time cannot stretch them.
struct ServerLimits {
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 64 * 1024;
  // A chunk extension ("1;name=value") longer than this answers 400.
  std::size_t max_chunk_extension_bytes = 256;
  // Bytes of a request buffered at once: the header, a chunk-size line, a trailer section.
  // Beast 1.74 does not bound chunk lines and trailers itself; past this the request
  // answers 413 and the connection closes.
  std::size_t read_buffer_bytes() const { return max_header_bytes + 4096; }

  // From accept until the TLS handshake is done (or plain HTTP is recognised); also the
  // WebSocket upgrade's handshake.
  std::chrono::milliseconds handshake_timeout = std::chrono::seconds(10);
  // The whole first request, from the end of the handshake.
  std::chrono::milliseconds first_request_timeout = std::chrono::seconds(10);
  // A later request on a kept-alive connection, from the end of the last response; also each
  // response's write.
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(30);
  // A closing connection: TLS close_notify, reading what the peer still sends after our last
  // response (so closing does not reset the connection before it read that), the WebSocket
  // closing handshake.
  std::chrono::milliseconds close_timeout = std::chrono::seconds(5);

  std::size_t max_websocket_message_bytes = 64 * 1024;
  // Unsent bytes one WebSocket may hold before its peer counts as not reading and is dropped.
  std::size_t max_websocket_queue_bytes = 4 * 1024 * 1024;
  std::chrono::milliseconds websocket_first_deadline = std::chrono::seconds(10);
  // Frames are charged one by one, empty and control frames included (WebSocketFrameMeter):
  // a peer breaking these is dropped.
  std::size_t max_websocket_frames_per_message = 64;
  double websocket_frames_per_second = 100;
  double websocket_frame_burst = 400;

  // Connections open at once; 0: default_max_connections() of the open-file limit.
  std::size_t max_connections = 0;
  // Connections open at once from one address (an IPv6 /64); 0: no such limit (behind a
  // reverse proxy every connection comes from the proxy).
  std::size_t max_connections_per_source = 64;
  // Recurring warnings (accept failures, refused connections): at most one line per interval.
  std::chrono::milliseconds warning_interval = std::chrono::seconds(10);
};

// What the listener has done since it started.
struct ServerStats {
  std::uint64_t accepted = 0;            // admitted into the budget
  std::uint64_t refused_total = 0;       // closed at once: the total budget was full
  std::uint64_t refused_per_source = 0;  // closed at once: that source had its maximum
  std::uint64_t accept_failures = 0;     // accept() failed (out of descriptors and the like)
  std::size_t open = 0;                  // connections open now
};

// One TCP listener that serves both HTTPS and plain HTTP on the same port: the region
// module calls https://{S}/api2 while viewers are handed http://{S}/api2 (spec §0.1).
// Each connection is told apart by its first bytes (a TLS ClientHello starts with 0x16).
// The server must outlive the io_context's running; destroy it after the io_context stopped.
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

  // Stops gracefully, from any thread: stops accepting, closes idle connections, lets
  // responses being written finish, answers pending asynchronous requests 503 and sends every
  // WebSocket close 1001 "going away". Connections still open after `grace` are closed.
  // `done` runs once, on a server thread, when no connection is left, or half a second after
  // `grace` has passed.
  void stop(std::chrono::milliseconds grace, std::function<void()> done);

  const ServerLimits& limits() const { return limits_; }
  ServerStats stats() const;

 private:
  void accept();
  void on_accept_failure(const boost::system::error_code& error);
  void refuse(boost::asio::ip::tcp::socket& socket, ConnectionBudget::Refusal refusal);

  boost::asio::io_context& io_;
  boost::asio::ssl::context& tls_;
  RequestHandler& handler_;
  WebSocketService* websockets_;
  ServerLimits limits_;
  std::shared_ptr<LiveConnections> connections_;
  // The acceptor and its timers run on one strand, so stop() may come from any thread.
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  // Shared so that the callback run when the last connection closes can cancel it safely.
  std::shared_ptr<boost::asio::steady_timer> grace_timer_;
  base::LogThrottle accept_failure_log_;
  base::LogThrottle refusal_log_;
  std::atomic<std::uint64_t> accepted_{0};
  std::atomic<std::uint64_t> refused_total_{0};
  std::atomic<std::uint64_t> refused_per_source_{0};
  std::atomic<std::uint64_t> accept_failures_{0};
};

}  // namespace webvox::http
