#include "http/http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <spdlog/spdlog.h>

#include <cctype>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "http/transfer_coding.hpp"
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
      out.secondlife_headers.emplace_back(std::move(lower),
                                          std::string(value.data(), value.size()));
    }
  }
  return out;
}

BeastResponse to_beast(Response&& in, unsigned version, bool keep_alive) {
  BeastResponse out{static_cast<bhttp::status>(in.status), version};
  out.set(bhttp::field::server, "webvox");
  out.set(bhttp::field::content_type, in.content_type);
  for (auto& [name, value] : in.headers) out.set(name, value);
  out.keep_alive(keep_alive);
  out.body() = std::move(in.body);
  out.prepare_payload();
  return out;
}

Response plain_error(unsigned status, std::string_view message) {
  return Response{status, "text/plain; charset=utf-8", std::string(message) + "\n", {}};
}

TransferCoding transfer_coding_of(const bhttp::request_parser<bhttp::string_body>& parser) {
  std::vector<std::string_view> values;
  const auto [first, last] = parser.get().equal_range(bhttp::field::transfer_encoding);
  for (auto it = first; it != last; ++it) {
    values.emplace_back(it->value().data(), it->value().size());
  }
  return classify_transfer_coding(values);
}

// Asks `self` (a session, through a weak pointer: the connection's record must not keep its
// session alive) to stop, on the session's strand.
template <class Session, class Executor>
std::function<void(StopMode)> stop_hook(const std::shared_ptr<Session>& self, Executor executor) {
  return [weak = std::weak_ptr<Session>(self), executor](StopMode mode) {
    asio::post(executor, [weak, mode] {
      if (auto session = weak.lock()) session->stop(mode);
    });
  };
}

// The request/response loop, shared by plain and TLS connections. Derived provides stream(),
// release_stream(), shutdown() (our last response is out: close politely) and close() (close
// the socket now), the only things that differ between the two.
template <class Derived>
class Session {
 public:
  Session(beast::flat_buffer buffer, ConnectionServices services,
          std::shared_ptr<LiveConnection> connection)
      : buffer_(std::move(buffer)),
        connection_(std::move(connection)),
        services_(services),
        limits_(services.limits) {
    chunk_header_check_ = [max = limits_.max_chunk_extension_bytes](
                              std::uint64_t, beast::string_view extensions, beast::error_code& ec) {
      if (extensions.size() > max) ec = bhttp::error::bad_chunk_extension;
    };
  }

  // On the strand (LiveConnection's hook).
  void stop(StopMode mode) {
    stopping_ = true;
    switch (state_) {
      case State::kReading:
        return derived().close();
      case State::kPending:
        if (mode == StopMode::kNow) {
          state_ = State::kClosed;
          return derived().close();
        }
        // The handler bounds its own time, which may be the length of a long poll: answer now.
        return send(to_beast(plain_error(503, "server shutting down"), version_, false));
      case State::kWriting:  // finishes, then closes (the response goes out as it is)
      case State::kClosed:
        if (mode == StopMode::kNow) derived().close();
        return;
      case State::kUpgraded:  // the WebSocket session has the stream and its own hook
        return;
    }
  }

 protected:
  void begin() {
    connection_->on_stop(
        stop_hook(derived().shared_from_this(), derived().stream().get_executor()));
    read_request();
  }

  void read_request() {
    state_ = State::kReading;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
    parser_->body_limit(limits_.max_body_bytes);
    parser_->on_chunk_header(chunk_header_check_);
    // The whole request must arrive within this, header and body.
    beast::get_lowest_layer(derived().stream())
        .expires_after(served_ == 0 ? limits_.first_request_timeout : limits_.idle_timeout);
    bhttp::async_read_header(derived().stream(), buffer_, *parser_,
                             [self = derived().shared_from_this()](
                                 beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  beast::flat_buffer buffer_;
  std::shared_ptr<LiveConnection> connection_;
  bool stopping_ = false;

 private:
  enum class State { kReading, kPending, kWriting, kClosed, kUpgraded };

  Derived& derived() { return static_cast<Derived&>(*this); }

  void on_header(beast::error_code ec) {
    if (ec) return on_read(ec);
    // Beast reads only "chunked" as the last coding and takes anything else for "no body":
    // the body would then be read as the next request (RFC 9112 §6.3 wants an error and a
    // close).
    switch (transfer_coding_of(*parser_)) {
      case TransferCoding::kUnsupported:
        return reply_error(501, "transfer coding not implemented");
      case TransferCoding::kMalformed:
        return reply_error(400, "bad request");
      case TransferCoding::kAbsent:
      case TransferCoding::kChunked:
        break;
    }
    if (parser_->is_done()) return on_read({});
    bhttp::async_read(derived().stream(), buffer_, *parser_,
                      [self = derived().shared_from_this()](beast::error_code ec, std::size_t) {
                        self->on_read(ec);
                      });
  }

  void on_read(beast::error_code ec) {
    if (stopping_) return derived().close();
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::ssl::error::stream_truncated ||
        ec == asio::error::connection_reset || ec == asio::error::eof) {
      return derived().close();
    }
    if (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit ||
        ec == bhttp::error::buffer_overflow) {
      // buffer_overflow: a chunk-size line or a trailer section longer than the read buffer.
      return reply_error(413, "request too large");
    }
    if (ec) {
      spdlog::debug("bad HTTP request: {}", ec.message());
      return reply_error(400, "bad request");
    }
    BeastRequest request = parser_->release();
    auto app_request =
        to_request(request, Derived::kSecure,
                   peer_address_of(beast::get_lowest_layer(derived().stream()).socket()));
    if (beast::websocket::is_upgrade(request) && services_.websockets &&
        services_.websockets->accepts(app_request)) {
      return upgrade(std::move(request), std::move(app_request));
    }
    version_ = request.version();
    keep_alive_ = request.keep_alive();
    serve(std::move(app_request));
  }

  void serve(Request request) {
    state_ = State::kPending;
    // The handler bounds its own time (a long poll may take half a minute): no read deadline
    // may cut it. The connection still holds its place in the budget.
    beast::get_lowest_layer(derived().stream()).expires_never();
    Respond respond([self = derived().shared_from_this(),
                     executor = derived().stream().get_executor()](Response response) {
      asio::dispatch(executor, [self, response = std::move(response)]() mutable {
        self->deliver(std::move(response));
      });
    });
    try {
      services_.handler.handle_async(std::move(request), respond);
    } catch (const std::exception& e) {
      spdlog::error("request handler failed: {}", e.what());
      respond(plain_error(500, "internal server error"));
    }
  }

  // On the strand: the handler's answer, unless the connection was answered or closed meanwhile.
  void deliver(Response response) {
    if (state_ != State::kPending) return;
    send(to_beast(std::move(response), version_, keep_alive_ && !stopping_));
  }

  // An answer to a request that could not be read in full: the connection closes after it.
  void reply_error(unsigned status, std::string_view message) {
    send(to_beast(plain_error(status, message), 11, false));
  }

  void upgrade(BeastRequest request, Request app_request) {
    state_ = State::kUpgraded;
    using Stream = std::remove_reference_t<decltype(derived().release_stream())>;
    std::make_shared<detail::WebSocketSession<Stream>>(derived().release_stream(),
                                                       *services_.websockets, limits_, connection_)
        ->start(std::move(request), std::move(app_request));
  }

  void send(BeastResponse response) {
    state_ = State::kWriting;
    response_.emplace(std::move(response));
    beast::get_lowest_layer(derived().stream()).expires_after(limits_.idle_timeout);
    bhttp::async_write(derived().stream(), *response_,
                       [self = derived().shared_from_this()](beast::error_code ec, std::size_t) {
                         self->on_written(ec);
                       });
  }

  void on_written(beast::error_code ec) {
    const bool keep_alive = response_->keep_alive();
    response_.reset();
    ++served_;
    if (ec) {
      state_ = State::kClosed;
      return derived().close();
    }
    if (!keep_alive || stopping_) {
      state_ = State::kClosed;
      return derived().shutdown();
    }
    read_request();
  }

  ConnectionServices services_;
  const ServerLimits& limits_;
  State state_ = State::kReading;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  // The parser keeps a reference to it.
  std::function<void(std::uint64_t, beast::string_view, beast::error_code&)> chunk_header_check_;
  std::optional<BeastResponse> response_;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  std::uint64_t served_ = 0;
};

class PlainSession : public Session<PlainSession>,
                     public std::enable_shared_from_this<PlainSession> {
 public:
  static constexpr bool kSecure = false;

  PlainSession(beast::tcp_stream&& stream, beast::flat_buffer buffer, ConnectionServices services,
               std::shared_ptr<LiveConnection> connection)
      : Session(std::move(buffer), services, std::move(connection)),
        stream_(std::move(stream)),
        close_timeout_(services.limits.close_timeout),
        drain_left_(services.limits.max_body_bytes) {}

  void start() { begin(); }
  beast::tcp_stream& stream() { return stream_; }
  beast::tcp_stream release_stream() { return std::move(stream_); }

  // Our last response is written: send FIN, then read (and drop) what the peer still sends
  // until it closes too, for at most close_timeout and max_body_bytes (what a client may still
  // be sending is at most its body). Closing with unread bytes would reset the connection, and
  // a reset can destroy our response before the peer has read it (a 413 to a client still
  // sending its body, say).
  void shutdown() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(close_timeout_);
    drain();
  }
  void close() { stream_.close(); }

 private:
  void drain() {
    buffer_.consume(buffer_.size());
    stream_.async_read_some(buffer_.prepare(std::min<std::size_t>(buffer_.max_size(), 4096)),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                              if (ec || n >= self->drain_left_) return;
                              self->drain_left_ -= n;
                              self->drain();
                            });
  }

  beast::tcp_stream stream_;
  std::chrono::milliseconds close_timeout_;
  std::size_t drain_left_;
};

class TlsSession : public Session<TlsSession>, public std::enable_shared_from_this<TlsSession> {
 public:
  static constexpr bool kSecure = true;

  TlsSession(beast::tcp_stream&& stream, asio::ssl::context& tls, beast::flat_buffer buffer,
             ConnectionServices services, std::shared_ptr<LiveConnection> connection)
      : Session(std::move(buffer), services, std::move(connection)),
        stream_(std::move(stream), tls),
        close_timeout_(services.limits.close_timeout) {}

  // Within the deadline set at accept (handshake_timeout from then).
  void start(std::chrono::steady_clock::time_point deadline) {
    connection_->on_stop([weak = weak_from_this(), executor = stream_.get_executor()](StopMode) {
      asio::post(executor, [weak] {
        if (auto self = weak.lock()) self->close_if_handshaking();
      });
    });
    beast::get_lowest_layer(stream_).expires_at(deadline);
    // The detector already read the start of the ClientHello; hand those bytes to OpenSSL.
    stream_.async_handshake(asio::ssl::stream_base::server, buffer_.data(),
                            [self = shared_from_this()](beast::error_code ec, std::size_t used) {
                              if (ec) {
                                spdlog::debug("TLS handshake failed: {}", ec.message());
                                return;
                              }
                              self->handshake_done_ = true;
                              self->buffer_.consume(used);
                              if (self->stopping_) return self->close();
                              self->begin();
                            });
  }
  beast::ssl_stream<beast::tcp_stream>& stream() { return stream_; }
  beast::ssl_stream<beast::tcp_stream> release_stream() { return std::move(stream_); }
  void shutdown() {
    beast::get_lowest_layer(stream_).expires_after(close_timeout_);
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {});
  }
  void close() { beast::get_lowest_layer(stream_).close(); }

 private:
  void close_if_handshaking() {
    stopping_ = true;
    if (!handshake_done_) close();
  }

  beast::ssl_stream<beast::tcp_stream> stream_;
  std::chrono::milliseconds close_timeout_;
  bool handshake_done_ = false;
};

class DetectSession : public std::enable_shared_from_this<DetectSession> {
 public:
  DetectSession(tcp::socket&& socket, asio::ssl::context& tls, ConnectionServices services,
                std::shared_ptr<LiveConnection> connection)
      : stream_(std::move(socket)),
        tls_(tls),
        services_(services),
        connection_(std::move(connection)),
        buffer_(services.limits.read_buffer_bytes()),
        deadline_(std::chrono::steady_clock::now() + services.limits.handshake_timeout) {}

  void start() {
    // Run on the connection's strand.
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->detect(); });
  }

  void stop(StopMode) {
    if (!detected_) stream_.close();
  }

 private:
  void detect() {
    connection_->on_stop(stop_hook(shared_from_this(), stream_.get_executor()));
    stream_.expires_at(deadline_);
    beast::async_detect_ssl(stream_, buffer_,
                            [self = shared_from_this()](beast::error_code ec, bool is_tls) {
                              self->on_detect(ec, is_tls);
                            });
  }

  void on_detect(beast::error_code ec, bool is_tls) {
    if (ec) return;    // closed, stopped or timed out before saying anything
    detected_ = true;  // the stream moves on to the next session
    if (is_tls) {
      std::make_shared<TlsSession>(std::move(stream_), tls_, std::move(buffer_), services_,
                                   std::move(connection_))
          ->start(deadline_);
    } else {
      std::make_shared<PlainSession>(std::move(stream_), std::move(buffer_), services_,
                                     std::move(connection_))
          ->start();
    }
  }

  beast::tcp_stream stream_;
  asio::ssl::context& tls_;
  ConnectionServices services_;
  std::shared_ptr<LiveConnection> connection_;
  beast::flat_buffer buffer_;
  std::chrono::steady_clock::time_point deadline_;
  bool detected_ = false;
};

}  // namespace

void serve_connection(tcp::socket socket, asio::ssl::context& tls, ConnectionServices services,
                      std::shared_ptr<LiveConnection> connection) {
  std::make_shared<DetectSession>(std::move(socket), tls, services, std::move(connection))->start();
}

}  // namespace webvox::http
