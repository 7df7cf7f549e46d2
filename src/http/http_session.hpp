#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "http/http_message.hpp"
#include "http/http_server.hpp"

namespace webvox::http {

// Serves one accepted connection: detects TLS, then answers requests until the peer closes,
// asks to close, or stays idle past the timeout. Owns itself (shared_from_this).
struct ConnectionServices {
  RequestHandler& handler;
  WebSocketService* websockets;  // may be null
  const ServerLimits& limits;
};
void serve_connection(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& tls,
                      ConnectionServices services);

}  // namespace webvox::http
