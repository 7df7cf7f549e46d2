#pragma once
// Internal to src/http: the WebSocket side of a connection after an upgrade, for plain and
// TLS streams alike. Included by http_session.cpp only.

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <memory>
#include <spdlog/spdlog.h>
#include <string>

#include "http/frame_metered_stream.hpp"
#include "http/http_server.hpp"
#include "http/live_connections.hpp"
#include "http/websocket.hpp"

namespace webvox::http::detail {

template <class Stream>
class WebSocketSession final : public WebSocketConnection,
                               public std::enable_shared_from_this<WebSocketSession<Stream>> {
 public:
  WebSocketSession(Stream&& stream, WebSocketService& service, const ServerLimits& limits,
                   std::shared_ptr<LiveConnection> connection)
      : ws_(std::move(stream), WebSocketFrameMeter::Limits{limits.max_websocket_frames_per_message,
                                                           limits.websocket_frames_per_second,
                                                           limits.websocket_frame_burst}),
        service_(service),
        limits_(limits),
        connection_(std::move(connection)),
        deadline_(ws_.get_executor()),
        close_deadline_(ws_.get_executor()) {}

  void start(boost::beast::http::request<boost::beast::http::string_body> upgrade,
             Request request) {
    namespace websocket = boost::beast::websocket;
    connection_->on_stop(
        [weak = this->weak_from_this(), executor = ws_.get_executor()](StopMode mode) {
          boost::asio::post(executor, [weak, mode] {
            if (auto self = weak.lock()) self->stop(mode);
          });
        });
    // The WebSocket layer keeps its own timeouts (and pings idle peers); the TCP one must go.
    boost::beast::get_lowest_layer(ws_).expires_never();
    auto timeouts = websocket::stream_base::timeout::suggested(boost::beast::role_type::server);
    timeouts.handshake_timeout = limits_.handshake_timeout;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
      response.set(boost::beast::http::field::server, "webvox");
    }));
    ws_.read_message_max(limits_.max_websocket_message_bytes);
    ws_.async_accept(upgrade, [self = this->shared_from_this(),
                               request = std::move(request)](boost::beast::error_code ec) {
      if (ec) return spdlog::debug("WebSocket handshake failed: {}", ec.message());
      if (self->closed_) return;  // stopped during the handshake
      self->handler_ = self->service_.open(request, self);
      if (!self->handler_) return self->close(1011, "unavailable");
      self->arm_deadline();
      self->read();
    });
  }

  void send(std::string text) override {
    boost::asio::post(ws_.get_executor(),
                      [self = this->shared_from_this(), text = std::move(text)]() mutable {
                        if (self->closing_ || self->closed_) return;
                        self->queued_bytes_ += text.size();
                        if (self->queued_bytes_ > self->limits_.max_websocket_queue_bytes) {
                          // A peer that does not read would make us hold its messages forever.
                          spdlog::debug("WebSocket peer too slow; dropping it");
                          return self->drop();
                        }
                        self->queue_.push_back(std::move(text));
                        if (self->queue_.size() == 1) self->write_next();
                      });
  }

  void close(std::uint16_t code, std::string reason) override {
    boost::asio::post(ws_.get_executor(),
                      [self = this->shared_from_this(), code,
                       reason = std::move(reason)]() mutable { self->begin_close(code, reason); });
  }

 private:
  void stop(StopMode mode) {
    if (mode == StopMode::kNow || !handler_) return drop();  // or still in the handshake
    begin_close(1001, "going away");
  }

  // Queued frames are still written first; the close frame follows the last of them. The
  // whole closing handshake gets limits_.close_timeout: a peer that neither reads nor answers
  // (or keeps sending frames instead) is dropped then.
  void begin_close(std::uint16_t code, std::string_view reason) {
    if (closing_ || closed_) return;
    closing_ = true;
    close_reason_.code = code;
    close_reason_.reason = std::string(reason);
    close_deadline_.expires_after(limits_.close_timeout);
    close_deadline_.async_wait([self = this->shared_from_this()](boost::beast::error_code ec) {
      if (!ec) self->drop();
    });
    if (queue_.empty()) send_close();
  }

  void arm_deadline() {
    deadline_.expires_after(limits_.websocket_first_deadline);
    deadline_.async_wait([self = this->shared_from_this()](boost::beast::error_code ec) {
      if (!ec && !self->closed_ && self->handler_) self->handler_->on_deadline();
    });
  }

  void read() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](boost::beast::error_code ec,
                                                              std::size_t) { self->on_read(ec); });
  }

  void on_read(boost::beast::error_code ec) {
    // A read that was already under way can complete after a failed write ended the session.
    if (closed_) return;
    if (ec == boost::beast::websocket::error::message_too_big) {
      return begin_close(1009, "message too big");
    }
    if (ec.category() == frame_limit_category()) {
      // Beast has failed the stream: no close frame can follow. Drop the peer.
      spdlog::debug("WebSocket peer dropped: {}", ec.message());
      return drop();
    }
    if (ec) return finish();
    if (!ws_.got_text()) return begin_close(1003, "text frames only");
    const auto data = buffer_.data();
    handler_->on_message(std::string_view(static_cast<const char*>(data.data()), data.size()));
    buffer_.consume(buffer_.size());
    // Clients talk in short bursts and then idle for minutes: an idle connection should not
    // keep its largest message's buffer (8 KB or more each).
    buffer_.shrink_to_fit();
    read();
  }

  void write_next() {
    ws_.text(true);
    ws_.async_write(boost::asio::buffer(queue_.front()),
                    [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t) {
                      if (ec || self->closed_) return self->finish();
                      self->queued_bytes_ -= self->queue_.front().size();
                      self->queue_.pop_front();
                      if (!self->queue_.empty()) return self->write_next();
                      if (self->closing_) self->send_close();
                    });
  }

  void send_close() {
    ws_.async_close(close_reason_, [self = this->shared_from_this()](boost::beast::error_code) {
      self->finish();
    });
  }

  // Closes the socket under everything: whatever is pending completes with an error.
  void drop() {
    boost::beast::error_code ignored;
    boost::beast::get_lowest_layer(ws_).socket().close(ignored);
    finish();
  }

  // Called once the socket is unusable: tell the application exactly once.
  void finish() {
    if (closed_) return;
    closed_ = true;
    deadline_.cancel();
    close_deadline_.cancel();
    if (handler_) handler_->on_close();
    handler_.reset();  // breaks the handler -> connection -> handler cycle
  }

  boost::beast::websocket::stream<FrameMeteredStream<Stream>> ws_;
  WebSocketService& service_;
  const ServerLimits& limits_;
  std::shared_ptr<LiveConnection> connection_;
  boost::asio::steady_timer deadline_;
  boost::asio::steady_timer close_deadline_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::string> queue_;  // the front is being written while the queue is not empty
  std::size_t queued_bytes_ = 0;
  std::shared_ptr<WebSocketHandler> handler_;
  boost::beast::websocket::close_reason close_reason_;
  bool closing_ = false;
  bool closed_ = false;
};

}  // namespace webvox::http::detail
