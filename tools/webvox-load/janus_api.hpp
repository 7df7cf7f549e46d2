// Janus's HTTP API (janus.transport.http), the part a VideoRoom client needs: one Janus session,
// plugin handles, and plugin messages whose replies come either in the HTTP answer (synchronous
// requests) or, after an "ack", as an event with the same transaction on the session's long
// poll. Asynchronous on the caller's io_context; one TCP connection per request (loopback).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace webvox::load {

class JanusApi {
 public:
  // The final reply to a request (a "success", an "event", or an "error"); none when the HTTP
  // exchange itself failed.
  using Reply = std::function<void(const std::optional<nlohmann::json>&)>;

  JanusApi(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint server, std::string base_path = "/janus");

  // Creates the Janus session and starts its long poll; `done(true)` once it exists.
  void create_session(std::function<void(bool)> done);
  // Attaches janus.plugin.videoroom; the handle id, or none.
  void attach(std::function<void(std::optional<std::uint64_t>)> done);
  // A plugin message on `handle`, with an SDP if given.
  void message(std::uint64_t handle, nlohmann::json body, std::optional<nlohmann::json> jsep, Reply reply);
  void stop() { stopped_ = true; }

 private:
  void post(const std::string& target, nlohmann::json request, Reply reply);
  void poll();
  void on_event(const nlohmann::json& event);
  void http(const std::string& method, const std::string& target, std::string body,
            std::function<void(std::optional<std::string>)> done);

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::endpoint server_;
  std::string base_path_;
  std::uint64_t session_ = 0;
  std::uint64_t next_transaction_ = 1;
  std::map<std::string, Reply> waiting_;  // transaction → reply still to come
  bool stopped_ = false;
};

}  // namespace webvox::load
