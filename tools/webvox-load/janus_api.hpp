// Janus's HTTP API (janus.transport.http), the part its clients need: one Janus session,
// plugin handles, and plugin messages whose replies come either in the HTTP answer (synchronous
// requests) or, after an "ack", as an event with the same transaction on the session's long
// poll. Two users: the VideoRoom load (one Janus session for the whole run, many handles) and
// os-webrtc-janus's way with AudioBridge (one session, one handle and one long poll per viewer
// connection; `apisecret`, `session_id` and `handle_id` in every body; one event per poll).
// Asynchronous on the caller's io_context; one TCP connection per request (loopback).
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

struct JanusApiSettings {
  std::string base_path = "/janus";
  std::string plugin = "janus.plugin.videoroom";
  std::string api_secret;        // sent as "apisecret" (and on the long poll's query) when set
  std::size_t max_events = 100;  // per long-poll answer; 0: Janus's default of one, as the addon
};

class JanusApi {
 public:
  // The final reply to a request (a "success", an "event", or an "error"); none when the HTTP
  // exchange itself failed.
  using Reply = std::function<void(const std::optional<nlohmann::json>&)>;

  JanusApi(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint server,
           JanusApiSettings settings = {});

  // Creates the Janus session and starts its long poll; `done(true)` once it exists.
  void create_session(std::function<void(bool)> done);
  // Attaches the plugin; the handle id, or none.
  void attach(std::function<void(std::optional<std::uint64_t>)> done);
  // A plugin message on `handle`, with an SDP if given.
  void message(std::uint64_t handle, nlohmann::json body, std::optional<nlohmann::json> jsep,
               Reply reply);
  // Trickled candidates (`fields`: "candidate" or "candidates"); Janus only acks them, and the
  // ack is the reply.
  void trickle(std::uint64_t handle, nlohmann::json fields, Reply reply);
  void stop() { stopped_ = true; }

 private:
  // `await_event`: an "ack" answer means the reply comes later on the long poll.
  void post(const std::string& target, nlohmann::json request, bool await_event, Reply reply);
  void poll();
  void on_event(const nlohmann::json& event);
  std::string handle_target(std::uint64_t handle) const;

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::endpoint server_;
  JanusApiSettings settings_;
  std::uint64_t session_ = 0;
  std::uint64_t next_transaction_ = 1;
  std::map<std::string, Reply> waiting_;  // transaction → reply still to come
  bool stopped_ = false;
};

}  // namespace webvox::load
