#include "janus_api.hpp"

#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "http_exchange.hpp"

namespace webvox::load {

using nlohmann::json;

namespace {
// Janus waits up to 30 s on a long poll before answering with a keepalive.
constexpr auto kRequestTimeout = std::chrono::seconds(40);
}  // namespace

JanusApi::JanusApi(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint server,
                   JanusApiSettings settings)
    : io_(io), server_(server), settings_(std::move(settings)) {}

std::string JanusApi::handle_target(std::uint64_t handle) const {
  return settings_.base_path + "/" + std::to_string(session_) + "/" + std::to_string(handle);
}

void JanusApi::post(const std::string& target, json request, bool await_event, Reply reply) {
  const auto transaction = "t" + std::to_string(next_transaction_++);
  request["transaction"] = transaction;
  if (!settings_.api_secret.empty()) request["apisecret"] = settings_.api_secret;
  if (session_ != 0) request["session_id"] = session_;
  // Registered before sending: the event that answers an "ack" may come on the long poll
  // before the ack itself has been read.
  if (await_event) waiting_[transaction] = reply;
  auto http = http_post(target, request.dump());
  http.timeout = kRequestTimeout;
  http_exchange(io_, server_, std::move(http),
                [this, transaction, await_event,
                 reply = std::move(reply)](std::optional<HttpReply> answer_http) {
                  auto answer =
                      answer_http ? json::parse(answer_http->body, nullptr, false) : json();
                  const bool parsed = answer.is_object();
                  if (!await_event)
                    return reply(parsed ? std::optional<json>(answer) : std::nullopt);
                  if (parsed && answer.value("janus", "") == "ack")
                    return;  // the reply comes on the long poll
                  const auto it = waiting_.find(transaction);
                  if (it == waiting_.end()) return;
                  auto waiting = std::move(it->second);
                  waiting_.erase(it);
                  waiting(parsed ? std::optional<json>(answer) : std::nullopt);
                });
}

void JanusApi::create_session(std::function<void(bool)> done) {
  post(settings_.base_path, {{"janus", "create"}}, false,
       [this, done = std::move(done)](const std::optional<json>& reply) {
         if (!reply || reply->value("janus", "") != "success") return done(false);
         session_ = (*reply)["data"]["id"].get<std::uint64_t>();
         poll();
         done(true);
       });
}

void JanusApi::attach(std::function<void(std::optional<std::uint64_t>)> done) {
  post(settings_.base_path + "/" + std::to_string(session_),
       {{"janus", "attach"}, {"plugin", settings_.plugin}}, false,
       [done = std::move(done)](const std::optional<json>& reply) {
         if (!reply || reply->value("janus", "") != "success") return done(std::nullopt);
         done((*reply)["data"]["id"].get<std::uint64_t>());
       });
}

void JanusApi::message(std::uint64_t handle, json body, std::optional<json> jsep, Reply reply) {
  json request = {{"janus", "message"}, {"handle_id", handle}, {"body", std::move(body)}};
  if (jsep) request["jsep"] = std::move(*jsep);
  post(handle_target(handle), std::move(request), true, std::move(reply));
}

void JanusApi::trickle(std::uint64_t handle, json fields, Reply reply) {
  json request = std::move(fields);
  request["janus"] = "trickle";
  request["handle_id"] = handle;
  post(handle_target(handle), std::move(request), false, std::move(reply));
}

void JanusApi::poll() {
  if (stopped_) return;
  std::string target = settings_.base_path + "/" + std::to_string(session_);
  std::string query;
  if (settings_.max_events > 0) query += "maxev=" + std::to_string(settings_.max_events);
  if (!settings_.api_secret.empty())
    query += (query.empty() ? "" : "&") + std::string("apisecret=") + settings_.api_secret;
  if (!query.empty()) target += "?" + query;
  auto http = http_get(target);
  http.timeout = kRequestTimeout;
  http_exchange(io_, server_, std::move(http), [this](std::optional<HttpReply> reply) {
    if (stopped_) return;
    if (!reply) {
      // Not answered (the server is gone or overloaded): try again shortly, not in a loop.
      auto timer = std::make_shared<boost::asio::steady_timer>(io_, std::chrono::milliseconds(100));
      timer->async_wait([this, timer](const boost::system::error_code&) { poll(); });
      return;
    }
    {
      const auto events = json::parse(reply->body, nullptr, false);
      if (events.is_array()) {
        for (const auto& event : events) on_event(event);
      } else if (events.is_object()) {
        on_event(events);
      }
    }
    poll();
  });
}

void JanusApi::on_event(const json& event) {
  const auto it = waiting_.find(event.value("transaction", ""));
  if (it == waiting_.end()) return;  // webrtcup, media, keepalive…: nothing waits for them
  auto reply = std::move(it->second);
  waiting_.erase(it);
  reply(event);
}

}  // namespace webvox::load
