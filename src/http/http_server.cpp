#include "http/http_server.hpp"

#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>

#include <system_error>

#include "http/http_session.hpp"

namespace webvox::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

HttpServer::HttpServer(asio::io_context& io, asio::ssl::context& tls, RequestHandler& handler,
                       WebSocketService* websockets, ServerLimits limits)
    : io_(io), tls_(tls), handler_(handler), websockets_(websockets), limits_(limits), acceptor_(io), retry_timer_(io) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::listen(const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  auto check = [&ec, &endpoint](const char* step) {
    if (ec) {
      throw std::system_error(ec, std::string("cannot ") + step + " " +
                                      endpoint.address().to_string() + ":" +
                                      std::to_string(endpoint.port()));
    }
  };
  acceptor_.open(endpoint.protocol(), ec);
  check("open a socket for");
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  check("set options on");
  acceptor_.bind(endpoint, ec);
  check("bind");
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  check("listen on");
  accept();
}

tcp::endpoint HttpServer::local_endpoint() const { return acceptor_.local_endpoint(); }

void HttpServer::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  retry_timer_.cancel();
}

void HttpServer::accept() {
  // Each connection gets its own strand: its handlers never run concurrently.
  acceptor_.async_accept(asio::make_strand(io_), [this](boost::system::error_code ec,
                                                        tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of file descriptors and the like: back off instead of spinning on the error.
      spdlog::warn("accept failed: {}", ec.message());
      retry_timer_.expires_after(std::chrono::milliseconds(100));
      retry_timer_.async_wait([this](boost::system::error_code wait_error) {
        if (!wait_error) accept();
      });
      return;
    }
    {
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      serve_connection(std::move(socket), tls_, {handler_, websockets_, limits_});
    }
    accept();
  });
}

}  // namespace webvox::http
