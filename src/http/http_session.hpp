#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <memory>

#include "http/http_message.hpp"
#include "http/http_server.hpp"
#include "http/live_connections.hpp"

namespace webvox::http {

// Serves one accepted connection: detects TLS, then answers requests until the peer closes,
// asks to close, stays idle past the timeout, or the server stops it through `connection`
// (which also holds its place in the budget until the last session object goes). Owns itself
// (shared_from_this).
struct ConnectionServices {
  RequestHandler& handler;
  WebSocketService* websockets;  // may be null
  const ServerLimits& limits;
};
void serve_connection(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& tls,
                      ConnectionServices services, std::shared_ptr<LiveConnection> connection);

}  // namespace webvox::http
