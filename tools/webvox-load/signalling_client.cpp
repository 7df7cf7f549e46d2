#include "signalling_client.hpp"

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>

namespace webvox::load {

namespace beast = boost::beast;
namespace websocket = beast::websocket;

SignallingClient::SignallingClient(boost::asio::io_context& io,
                                   boost::asio::ip::tcp::endpoint server, Handlers handlers)
    : socket_(io), server_(server), handlers_(std::move(handlers)) {}

void SignallingClient::connect() {
  auto self = shared_from_this();
  beast::get_lowest_layer(socket_).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(socket_).async_connect(server_, [self](beast::error_code error) {
    if (error) return self->fail("connect: " + error.message());
    beast::get_lowest_layer(self->socket_).expires_never();
    self->socket_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    const auto host =
        self->server_.address().to_string() + ":" + std::to_string(self->server_.port());
    self->socket_.async_handshake(host, "/signal", [self](beast::error_code error) {
      if (error) return self->fail("handshake: " + error.message());
      self->socket_.text(true);
      self->open_ = true;
      if (self->handlers_.opened) self->handlers_.opened();
      self->read();
      self->write_next();
    });
  });
}

void SignallingClient::read() {
  auto self = shared_from_this();
  socket_.async_read(buffer_, [self](beast::error_code error, std::size_t) {
    if (error) return self->fail("read: " + error.message());
    const auto text = beast::buffers_to_string(self->buffer_.data());
    self->buffer_.consume(self->buffer_.size());
    const auto message = nlohmann::json::parse(text, nullptr, false);
    if (!message.is_discarded() && self->handlers_.message) self->handlers_.message(message);
    if (!self->ended_) self->read();
  });
}

void SignallingClient::send(const nlohmann::json& message) {
  outgoing_.push_back(message.dump());
  if (outgoing_.size() == 1 && open_) write_next();
}

void SignallingClient::write_next() {
  if (outgoing_.empty() || ended_) return;
  auto self = shared_from_this();
  socket_.async_write(boost::asio::buffer(outgoing_.front()),
                      [self](beast::error_code error, std::size_t) {
                        if (error) return self->fail("write: " + error.message());
                        self->outgoing_.pop_front();
                        self->write_next();
                      });
}

void SignallingClient::close() {
  if (ended_) return;
  ended_ = true;
  beast::error_code ignored;
  beast::get_lowest_layer(socket_).socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both,
                                                     ignored);
  beast::get_lowest_layer(socket_).close();
}

void SignallingClient::fail(const std::string& reason) {
  if (ended_) return;
  ended_ = true;
  if (handlers_.closed) handlers_.closed(reason);
}

}  // namespace webvox::load
