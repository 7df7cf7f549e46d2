// One HTTP/1.1 request on a connection of its own (loopback: a connection is cheap, and the
// servers under test answer requests one by one anyway), asynchronous on the caller's
// io_context: what the Janus API client and the viewer-voice JSON-RPC client send through.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace webvox::load {

struct HttpReply {
  unsigned status = 0;
  std::string body;
};

struct HttpRequest {
  std::string method = "POST";  // or "GET"
  std::string target;           // path and query
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // further fields
  std::chrono::seconds timeout{40};
};

inline HttpRequest http_get(std::string target) {
  HttpRequest request;
  request.method = "GET";
  request.target = std::move(target);
  return request;
}
inline HttpRequest http_post(std::string target, std::string body,
                             std::string content_type = "application/json") {
  HttpRequest request;
  request.target = std::move(target);
  request.body = std::move(body);
  request.content_type = std::move(content_type);
  return request;
}

// "HOST:PORT" (an IP address); throws std::runtime_error otherwise.
boost::asio::ip::tcp::endpoint parse_server(const std::string& text);

// `done` gets the reply, or none when connecting, writing or reading failed or timed out.
void http_exchange(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& server,
                   HttpRequest request, std::function<void(std::optional<HttpReply>)> done);

}  // namespace webvox::load
