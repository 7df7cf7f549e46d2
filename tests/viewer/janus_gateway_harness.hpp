// A JanusGateway driven as the HTTP adapter drives it, with a ViewerVoice that records what
// the door asked of it and answers provisions when the test says so.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "viewer/janus_gateway.hpp"
#include "viewer/viewer_voice.hpp"

namespace webvox::viewer::testing {

class FakeViewerVoice : public ViewerVoice {
 public:
  struct ProvisionCall {
    ProvisionRequest request;
    std::function<void(ProvisionOutcome)> done;
  };
  struct TrickleCall {
    std::string viewer_session;
    std::vector<rtc::sdp::Candidate> candidates;
    bool completed = false;
  };
  struct LogoutCall {
    std::string agent_id;
    std::string viewer_session;
    bool operator==(const LogoutCall&) const = default;
  };

  void provision(ProvisionRequest request, std::function<void(ProvisionOutcome)> done) override {
    std::lock_guard lock(mutex_);
    provisions.push_back({std::move(request), std::move(done)});
  }
  void trickle(const std::string& viewer_session, std::vector<rtc::sdp::Candidate> candidates,
               bool completed) override {
    std::lock_guard lock(mutex_);
    trickles.push_back({viewer_session, std::move(candidates), completed});
  }
  void logout(const std::string& agent_id, const std::string& viewer_session) override {
    std::lock_guard lock(mutex_);
    logouts.push_back({agent_id, viewer_session});
  }
  void logout_all(const std::string& agent_id) override {
    std::lock_guard lock(mutex_);
    logouts_all.push_back(agent_id);
  }

  // Answers provision `index` as the media thread would, outside any gateway call.
  void succeed(std::size_t index, std::string viewer_session, std::string answer_sdp) {
    auto done = take_done(index);
    done(Provisioned{std::move(viewer_session), std::move(answer_sdp)});
  }
  void fail(std::size_t index, ProvisionFailure failure, std::string message) {
    auto done = take_done(index);
    done(base::unexpected(ProvisionError{failure, std::move(message)}));
  }
  void raise(std::size_t index, SessionEvent event) {
    std::function<void(SessionEvent)> on_event;
    {
      std::lock_guard lock(mutex_);
      on_event = provisions.at(index).request.on_event;
    }
    ASSERT_TRUE(on_event);
    on_event(event);
  }

  std::vector<ProvisionCall> provisions;
  std::vector<TrickleCall> trickles;
  std::vector<LogoutCall> logouts;
  std::vector<std::string> logouts_all;

 private:
  std::function<void(ProvisionOutcome)> take_done(std::size_t index) {
    std::lock_guard lock(mutex_);
    auto done = std::move(provisions.at(index).done);
    provisions.at(index).done = nullptr;
    return done;
  }
  std::mutex mutex_;
};

// One request's answers: the door must answer each request exactly once.
struct Answer {
  int calls = 0;
  JanusHttpReply reply;

  bool answered() const { return calls > 0; }
  nlohmann::json json() const {
    EXPECT_EQ(calls, 1) << "a request was answered " << calls << " times";
    auto parsed = nlohmann::json::parse(reply.body, nullptr, false);
    EXPECT_TRUE(parsed.is_object()) << "not one JSON object: " << reply.body;
    return parsed;
  }
};

inline constexpr std::string_view kApiSecret = "janusoverlord";
inline constexpr std::string_view kAdminSecret = "janusadminsecret";

class GatewayHarness {
 public:
  using Time = JanusClock::time_point;

  explicit GatewayHarness(JanusGatewayConfig config = default_config()) {
    gateway =
        std::make_unique<JanusGateway>(voice, std::move(config), [this] { return next_random(); });
  }

  static JanusGatewayConfig default_config() {
    JanusGatewayConfig config;
    config.api_secret = std::string(kApiSecret);
    config.admin_secret = std::string(kAdminSecret);
    config.info.version_string = "0.1.0";
    config.info.server_name = "webvoxd-test";
    return config;
  }

  std::shared_ptr<Answer> request(std::string method, std::vector<std::string> path,
                                  std::string body, std::optional<std::string> apisecret = {},
                                  bool admin = false) {
    auto answer = std::make_shared<Answer>();
    JanusHttpRequest http;
    http.method = method;
    for (const auto& segment : path) http.path.push_back(segment);
    if (apisecret) http.apisecret = *apisecret;
    http.body = body;
    auto respond = [answer](JanusHttpReply reply) {
      ++answer->calls;
      answer->reply = std::move(reply);
    };
    if (admin) {
      gateway->handle_admin(http, now, respond);
    } else {
      gateway->handle(http, now, respond);
    }
    return answer;
  }
  std::shared_ptr<Answer> post(std::vector<std::string> path, std::string body) {
    return request("POST", std::move(path), std::move(body));
  }
  std::shared_ptr<Answer> poll(std::uint64_t session,
                               std::optional<std::string> secret = std::string(kApiSecret)) {
    return request("GET", {std::to_string(session)}, "", std::move(secret));
  }
  // POST and expect a synchronous answer.
  nlohmann::json call(std::vector<std::string> path, std::string body) {
    auto answer = post(std::move(path), std::move(body));
    EXPECT_TRUE(answer->answered()) << body;
    return answer->json();
  }

  void advance(std::chrono::milliseconds by) { now += by; }
  void sweep() { gateway->sweep(now); }

  FakeViewerVoice voice;
  std::unique_ptr<JanusGateway> gateway;
  Time now = Time{} + std::chrono::hours(1);

 private:
  std::uint64_t next_random() {  // splitmix64: deterministic, well spread
    std::uint64_t z = (random_state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::uint64_t random_state_ = 42;
};

}  // namespace webvox::viewer::testing
