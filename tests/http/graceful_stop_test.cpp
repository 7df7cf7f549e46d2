// HttpServer::stop: WebSockets are told 1001 "going away", a response being written finishes,
// a pending asynchronous request is answered 503, idle connections close, and whatever is
// left at the end of the grace period is closed.
#include <atomic>
#include <mutex>

#include "http_test_support.hpp"

namespace webvox::http::test {
namespace {

class BigHandler final : public RequestHandler {
 public:
  static constexpr std::size_t kBig = 16 * 1024 * 1024;
  Response handle(const Request& request) override {
    if (request.target == "/big")
      return Response{200, "application/octet-stream", std::string(kBig, 'z'), {}};
    return Response{200, "text/plain", "small", {}};
  }
  void handle_async(Request request, Respond respond) override {
    if (request.target == "/pending") {
      std::lock_guard lock(mutex_);
      pending_.push_back(std::move(respond));
      return;
    }
    RequestHandler::handle_async(std::move(request), std::move(respond));
  }
  std::size_t pending() {
    std::lock_guard lock(mutex_);
    return pending_.size();
  }
  void answer_all() {
    std::lock_guard lock(mutex_);
    for (auto& respond : pending_) respond(Response{200, "text/plain", "late", {}});
    pending_.clear();
  }

 private:
  std::mutex mutex_;
  std::vector<Respond> pending_;
};

class QuietSocket final : public WebSocketHandler {
 public:
  explicit QuietSocket(std::atomic<int>& closed) : closed_(closed) {}
  void on_message(std::string_view) override {}
  void on_close() override { ++closed_; }

 private:
  std::atomic<int>& closed_;
};

class QuietService final : public WebSocketService {
 public:
  bool accepts(const Request&) const override { return true; }
  std::shared_ptr<WebSocketHandler> open(const Request&,
                                         std::shared_ptr<WebSocketConnection>) override {
    ++opened;
    return std::make_shared<QuietSocket>(closed);
  }
  std::atomic<int> opened{0};
  std::atomic<int> closed{0};
};

TEST(GracefulStop, WebSocketsAreToldGoingAwayAndTheStopEndsWhenTheyAnswer) {
  BigHandler http;
  QuietService service;
  TestServer server(http, {}, &service);
  const auto port = server.port();
  std::vector<std::unique_ptr<WsClient>> clients;
  for (int i = 0; i < 10; ++i) {
    clients.push_back(std::make_unique<WsClient>(server.port(), "/ws", "127.0.0.1", i % 2 == 1));
    ASSERT_TRUE(clients.back()->upgraded());
  }
  ASSERT_TRUE(eventually([&] { return service.opened == 10; }));
  std::atomic<bool> done{false};
  const auto stopped_at = Clock::now();
  server.server().stop(10s, [&] { done = true; });
  for (auto& client : clients) {
    const auto close = client->read_frame();
    ASSERT_TRUE(close);
    EXPECT_EQ(close->opcode, 0x8u);
    EXPECT_EQ(close->close_code(), 1001);
    EXPECT_EQ(close->close_reason(), "going away");
    std::string code("\x03\xe9", 2);
    client->send_raw(ws_frame(0x8, true, code));   // the closing handshake's answer
    EXPECT_TRUE(client->raw().closed_within(5s));  // the server closes TCP first...
    client->raw().close();                         // ...and the client follows
  }
  ASSERT_TRUE(eventually([&] { return done.load(); }));
  EXPECT_LT(Clock::now() - stopped_at, 5s);  // ended by the answers, not the grace period
  EXPECT_EQ(service.closed, 10);
  // No longer accepting.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  EXPECT_NE(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
  ::close(fd);
}

TEST(GracefulStop, AResponseBeingWrittenFinishesAndIdleConnectionsClose) {
  BigHandler http;
  TestServer server(http);
  RawClient idle(server.port());
  ASSERT_EQ(idle.request("/small")->status, 200);
  RawClient slow(server.port());
  const int small_buffer = 16 * 1024;
  ::setsockopt(slow.fd(), SOL_SOCKET, SO_RCVBUF, &small_buffer, sizeof small_buffer);
  slow.send("GET /big HTTP/1.1\r\nHost: test\r\n\r\n");
  std::string start;
  ASSERT_EQ(slow.read_some(start, 5s), ReadEnd::kData);  // the response is under way
  std::atomic<bool> done{false};
  server.server().stop(20s, [&] { done = true; });
  EXPECT_TRUE(idle.closed_within(5s));
  slow.pending() = start;
  const auto reply = slow.read_response(20s);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body.size(), BigHandler::kBig);
  EXPECT_TRUE(slow.closed_within(5s));
  idle.close();
  slow.close();
  EXPECT_TRUE(eventually([&] { return done.load(); }, 3s));
}

TEST(GracefulStop, APendingAsynchronousRequestIsAnswered503) {
  BigHandler http;
  TestServer server(http);
  RawClient client(server.port());
  client.send("GET /pending HTTP/1.1\r\nHost: test\r\n\r\n");
  ASSERT_TRUE(eventually([&] { return http.pending() == 1; }));
  std::atomic<bool> done{false};
  server.server().stop(10s, [&] { done = true; });
  const auto reply = client.read_response();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 503);
  EXPECT_EQ(reply->header("connection"), "close");
  EXPECT_TRUE(client.closed_within(5s));
  client.close();
  http.answer_all();  // too late: nothing happens
  EXPECT_TRUE(eventually([&] { return done.load(); }, 3s));
}

TEST(GracefulStop, WhatIsLeftAfterTheGracePeriodIsClosed) {
  BigHandler http;
  QuietService service;
  TestServer server(http, {}, &service);
  WsClient deaf(server.port());  // reads, never answers the close
  ASSERT_TRUE(deaf.upgraded());
  RawClient half(server.port());
  half.send("GET /half");  // a request that never ends
  ASSERT_TRUE(eventually([&] { return server.server().stats().open == 2; }));
  std::atomic<bool> done{false};
  const auto stopped_at = Clock::now();
  server.server().stop(300ms, [&] { done = true; });
  const auto close = deaf.read_frame();
  ASSERT_TRUE(close);
  EXPECT_EQ(close->close_code(), 1001);
  EXPECT_TRUE(deaf.raw().closed_within(5s));
  EXPECT_TRUE(half.closed_within(5s));
  ASSERT_TRUE(eventually([&] { return done.load(); }));
  EXPECT_LT(Clock::now() - stopped_at, 3s);
}

}  // namespace
}  // namespace webvox::http::test
