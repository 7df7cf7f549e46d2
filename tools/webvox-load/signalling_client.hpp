// One signalling WebSocket to webvoxd (docs/signalling.md), as the browser opens it:
// ws://host:port/signal, one JSON object per text frame. Asynchronous on the caller's
// io_context; messages are handed over parsed, writes are queued and sent one at a time.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace webvox::load {

class SignallingClient : public std::enable_shared_from_this<SignallingClient> {
 public:
  struct Handlers {
    std::function<void()> opened;
    std::function<void(const nlohmann::json&)> message;
    std::function<void(const std::string& reason)> closed;  // once, for any end
  };

  SignallingClient(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint server,
                   Handlers handlers);

  void connect();
  void send(const nlohmann::json& message);
  void close();

 private:
  void read();
  void write_next();
  void fail(const std::string& reason);

  boost::beast::websocket::stream<boost::beast::tcp_stream> socket_;
  boost::asio::ip::tcp::endpoint server_;
  Handlers handlers_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::string> outgoing_;
  bool open_ = false;
  bool ended_ = false;
};

}  // namespace webvox::load
