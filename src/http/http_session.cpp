#include "http/http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <spdlog/spdlog.h>

#include <cctype>
#include <memory>
#include <optional>
#include <string_view>

#include "http/websocket_session.hpp"

namespace webvox::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using BeastRequest = bhttp::request<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;

// The client's address as text; an IPv4 client of a dual-stack socket as plain IPv4.
std::string peer_address_of(const tcp::socket& socket) {
  boost::system::error_code ec;
  auto address = socket.remote_endpoint(ec).address();
  if (ec) return {};
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return address.to_string();
}

Request to_request(const BeastRequest& in, bool secure, std::string peer_address) {
  Request out;
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  out.content_type = std::string(in[bhttp::field::content_type]);
  out.authorization = std::string(in[bhttp::field::authorization]);
  out.body = in.body();
  out.secure = secure;
  out.peer_address = std::move(peer_address);
  static constexpr char kSecondLife[] = "x-secondlife-";
  constexpr std::size_t kPrefix = sizeof(kSecondLife) - 1;
  for (const auto& field : in) {
    const auto name = field.name_string();
    if (name.size() > kPrefix &&
        beast::iequals(name.substr(0, kPrefix), beast::string_view(kSecondLife, kPrefix))) {
      std::string lower(name.data(), name.size());
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const auto value = field.value();
      out.secondlife_headers.emplace_back(std::move(lower), std::string(value.data(), value.size()));
    }
  }
  return out;
}

BeastResponse to_beast(Response&& in, const BeastRequest& request) {
  BeastResponse out{static_cast<bhttp::status>(in.status), request.version()};
  out.set(bhttp::field::server, "webvox");
  out.set(bhttp::field::content_type, in.content_type);
  for (auto& [name, value] : in.headers) out.set(name, value);
  out.keep_alive(request.keep_alive());
  out.body() = std::move(in.body);
  out.prepare_payload();
  return out;
}

BeastResponse plain_error(bhttp::status status, std::string_view message, unsigned version) {
  BeastResponse out{status, version};
  out.set(bhttp::field::server, "webvox");
  out.set(bhttp::field::content_type, "text/plain; charset=utf-8");
  out.keep_alive(false);
  out.body() = std::string(message) + "\n";
  out.prepare_payload();
  return out;
}

// The request/response loop, shared by plain and TLS connections. Derived provides stream()
// and shutdown(), the only things that differ between the two.
template <class Derived>
class Session {
 public:
  Session(beast::flat_buffer buffer, ConnectionServices services)
      : buffer_(std::move(buffer)), services_(services), limits_(services.limits) {}

 protected:
  void read_request() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
    parser_->body_limit(limits_.max_body_bytes);
    beast::get_lowest_layer(derived().stream()).expires_after(limits_.idle_timeout);
    bhttp::async_read(derived().stream(), buffer_, *parser_,
                      [self = derived().shared_from_this()](beast::error_code ec, std::size_t) {
                        self->on_read(ec);
                      });
  }

 private:
  Derived& derived() { return static_cast<Derived&>(*this); }

  void on_read(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::ssl::error::stream_truncated ||
        ec == asio::error::connection_reset || ec == asio::error::eof) {
      return derived().shutdown();
    }
    if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit) {
      return send(plain_error(bhttp::status::payload_too_large, "request too large", 11), false);
    }
    if (ec) {
      spdlog::debug("bad HTTP request: {}", ec.message());
      return send(plain_error(bhttp::status::bad_request, "bad request", 11), false);
    }
    BeastRequest request = parser_->release();
    auto app_request = to_request(
        request, Derived::kSecure,
        peer_address_of(beast::get_lowest_layer(derived().stream()).socket()));
    if (beast::websocket::is_upgrade(request) && services_.websockets &&
        services_.websockets->accepts(app_request)) {
      return upgrade(std::move(request), std::move(app_request));
    }
    Response response;
    try {
      response = services_.handler.handle(app_request);
    } catch (const std::exception& e) {
      spdlog::error("request handler failed: {}", e.what());
      response = Response{500, "text/plain; charset=utf-8", "internal server error\n", {}};
    }
    send(to_beast(std::move(response), request), request.keep_alive());
  }

  void upgrade(BeastRequest request, Request app_request) {
    using Stream = std::remove_reference_t<decltype(derived().release_stream())>;
    std::make_shared<detail::WebSocketSession<Stream>>(derived().release_stream(),
                                                       *services_.websockets, limits_)
        ->start(std::move(request), std::move(app_request));
  }

  void send(BeastResponse response, bool keep_alive) {
    response_ = std::make_shared<BeastResponse>(std::move(response));
    beast::get_lowest_layer(derived().stream()).expires_after(limits_.idle_timeout);
    bhttp::async_write(derived().stream(), *response_,
                       [self = derived().shared_from_this(), keep_alive](beast::error_code ec,
                                                                         std::size_t) {
                         self->response_.reset();
                         if (ec || !keep_alive) return self->shutdown();
                         self->read_request();
                       });
  }

 protected:
  beast::flat_buffer buffer_;

 private:
  ConnectionServices services_;
  const ServerLimits& limits_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<BeastResponse> response_;
};

class PlainSession : public Session<PlainSession>,
                     public std::enable_shared_from_this<PlainSession> {
 public:
  static constexpr bool kSecure = false;

  PlainSession(beast::tcp_stream&& stream, beast::flat_buffer buffer, ConnectionServices services)
      : Session(std::move(buffer), services), stream_(std::move(stream)) {}

  void start() { read_request(); }
  beast::tcp_stream& stream() { return stream_; }
  beast::tcp_stream release_stream() { return std::move(stream_); }
  void shutdown() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

 private:
  beast::tcp_stream stream_;
};

class TlsSession : public Session<TlsSession>, public std::enable_shared_from_this<TlsSession> {
 public:
  static constexpr bool kSecure = true;

  TlsSession(beast::tcp_stream&& stream, asio::ssl::context& tls, beast::flat_buffer buffer,
             ConnectionServices services)
      : Session(std::move(buffer), services), stream_(std::move(stream), tls) {}

  void start() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(30));
    // The detector already read the start of the ClientHello; hand those bytes to OpenSSL.
    stream_.async_handshake(asio::ssl::stream_base::server, buffer_.data(),
                            [self = shared_from_this()](beast::error_code ec, std::size_t used) {
                              if (ec) {
                                spdlog::debug("TLS handshake failed: {}", ec.message());
                                return;
                              }
                              self->buffer_.consume(used);
                              self->read_request();
                            });
  }
  beast::ssl_stream<beast::tcp_stream>& stream() { return stream_; }
  beast::ssl_stream<beast::tcp_stream> release_stream() { return std::move(stream_); }
  void shutdown() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {});
  }

 private:
  beast::ssl_stream<beast::tcp_stream> stream_;
};

class DetectSession : public std::enable_shared_from_this<DetectSession> {
 public:
  DetectSession(tcp::socket&& socket, asio::ssl::context& tls, ConnectionServices services)
      : stream_(std::move(socket)), tls_(tls), services_(services) {}

  void start() {
    // Run on the connection's strand.
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->detect(); });
  }

 private:
  void detect() {
    stream_.expires_after(services_.limits.idle_timeout);
    beast::async_detect_ssl(stream_, buffer_,
                            [self = shared_from_this()](beast::error_code ec, bool is_tls) {
                              self->on_detect(ec, is_tls);
                            });
  }

  void on_detect(beast::error_code ec, bool is_tls) {
    if (ec) return;  // closed or timed out before saying anything
    if (is_tls) {
      std::make_shared<TlsSession>(std::move(stream_), tls_, std::move(buffer_), services_)->start();
    } else {
      std::make_shared<PlainSession>(std::move(stream_), std::move(buffer_), services_)->start();
    }
  }

  beast::tcp_stream stream_;
  asio::ssl::context& tls_;
  ConnectionServices services_;
  beast::flat_buffer buffer_;
};

}  // namespace

void serve_connection(tcp::socket socket, asio::ssl::context& tls, ConnectionServices services) {
  std::make_shared<DetectSession>(std::move(socket), tls, services)->start();
}

}  // namespace webvox::http
