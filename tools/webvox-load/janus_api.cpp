#include "janus_api.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <memory>

namespace webvox::load {

namespace beast = boost::beast;
namespace http = beast::http;
using nlohmann::json;

namespace {

// One request on its own connection; the exchange owns everything until it completes.
struct Exchange {
  explicit Exchange(boost::asio::io_context& io) : stream(io) {}
  beast::tcp_stream stream;
  http::request<http::string_body> request;
  http::response<http::string_body> response;
  beast::flat_buffer buffer;
  std::function<void(std::optional<std::string>)> done;
};

// Janus waits up to 30 s on a long poll before answering with a keepalive.
constexpr auto kRequestTimeout = std::chrono::seconds(40);

}  // namespace

JanusApi::JanusApi(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint server, std::string base_path)
    : io_(io), server_(server), base_path_(std::move(base_path)) {}

void JanusApi::http(const std::string& method, const std::string& target, std::string body,
                    std::function<void(std::optional<std::string>)> done) {
  auto exchange = std::make_shared<Exchange>(io_);
  exchange->done = std::move(done);
  exchange->request = {method == "GET" ? http::verb::get : http::verb::post, target, 11};
  exchange->request.set(http::field::host, server_.address().to_string());
  exchange->request.set(http::field::content_type, "application/json");
  exchange->request.body() = std::move(body);
  exchange->request.prepare_payload();
  exchange->stream.expires_after(kRequestTimeout);
  exchange->stream.async_connect(server_, [exchange](beast::error_code error) {
    if (error) return exchange->done(std::nullopt);
    http::async_write(exchange->stream, exchange->request, [exchange](beast::error_code error, std::size_t) {
      if (error) return exchange->done(std::nullopt);
      http::async_read(exchange->stream, exchange->buffer, exchange->response,
                       [exchange](beast::error_code error, std::size_t) {
                         beast::error_code ignored;
                         exchange->stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
                         if (error) return exchange->done(std::nullopt);
                         exchange->done(std::move(exchange->response.body()));
                       });
    });
  });
}

void JanusApi::post(const std::string& target, json request, Reply reply) {
  const auto transaction = "t" + std::to_string(next_transaction_++);
  request["transaction"] = transaction;
  // Registered before sending: the event that answers an "ack" may come on the long poll
  // before the ack itself has been read.
  waiting_[transaction] = std::move(reply);
  http("POST", target, request.dump(), [this, transaction](std::optional<std::string> body) {
    auto answer = body ? json::parse(*body, nullptr, false) : json();
    const bool ack = answer.is_object() && answer.value("janus", "") == "ack";
    if (ack) return;  // the reply is (or was) an event on the long poll
    const auto it = waiting_.find(transaction);
    if (it == waiting_.end()) return;
    auto waiting = std::move(it->second);
    waiting_.erase(it);
    waiting(answer.is_object() ? std::optional<json>(answer) : std::nullopt);
  });
}

void JanusApi::create_session(std::function<void(bool)> done) {
  post(base_path_, {{"janus", "create"}}, [this, done = std::move(done)](const std::optional<json>& reply) {
    if (!reply || reply->value("janus", "") != "success") return done(false);
    session_ = (*reply)["data"]["id"].get<std::uint64_t>();
    poll();
    done(true);
  });
}

void JanusApi::attach(std::function<void(std::optional<std::uint64_t>)> done) {
  post(base_path_ + "/" + std::to_string(session_), {{"janus", "attach"}, {"plugin", "janus.plugin.videoroom"}},
       [done = std::move(done)](const std::optional<json>& reply) {
         if (!reply || reply->value("janus", "") != "success") return done(std::nullopt);
         done((*reply)["data"]["id"].get<std::uint64_t>());
       });
}

void JanusApi::message(std::uint64_t handle, json body, std::optional<json> jsep, Reply reply) {
  json request = {{"janus", "message"}, {"body", std::move(body)}};
  if (jsep) request["jsep"] = std::move(*jsep);
  post(base_path_ + "/" + std::to_string(session_) + "/" + std::to_string(handle), std::move(request),
       std::move(reply));
}

void JanusApi::poll() {
  if (stopped_) return;
  http("GET", base_path_ + "/" + std::to_string(session_) + "?maxev=100", {},
       [this](std::optional<std::string> body) {
         if (stopped_) return;
         if (body) {
           const auto events = json::parse(*body, nullptr, false);
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
