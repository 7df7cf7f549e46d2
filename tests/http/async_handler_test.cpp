// RequestHandler::handle_async on a real server: answers from other threads and later than
// the read deadline, exactly once, harmless once the connection is gone, 500 for a handler
// that throws or forgets to answer, and a pending answer keeps its place in the budget.
#include <condition_variable>
#include <deque>
#include <mutex>

#include "http_test_support.hpp"

namespace webvox::http::test {
namespace {

class LaterHandler final : public RequestHandler {
 public:
  Response handle(const Request& request) override {
    return Response{200, "text/plain", "now " + request.target, {}};
  }
  void handle_async(Request request, Respond respond) override {
    if (request.target == "/later") {
      std::lock_guard lock(mutex_);
      pending_.push_back(std::move(respond));
      return;
    }
    if (request.target == "/thread") {
      std::lock_guard lock(mutex_);
      threads_.emplace_back([respond, target = request.target] {
        respond(Response{200, "text/plain", "from a thread " + target, {}});
      });
      return;
    }
    if (request.target == "/twice") {
      respond(Response{200, "text/plain", "first", {}});
      respond(Response{200, "text/plain", "second", {}});
      return;
    }
    if (request.target == "/throw") throw std::runtime_error("handler bug");
    if (request.target == "/forget") return;  // every copy of respond goes unused
    RequestHandler::handle_async(std::move(request), std::move(respond));
  }

  // Before the server goes: the threads hold the connection through their Respond.
  void join_threads() {
    std::lock_guard lock(mutex_);
    for (auto& thread : threads_) thread.join();
    threads_.clear();
  }

  std::size_t pending() {
    std::lock_guard lock(mutex_);
    return pending_.size();
  }
  // Answers the oldest pending request from a new thread, and waits for that thread.
  void answer_oldest(const std::string& body) {
    Respond respond = take();
    std::thread([respond, body] { respond(Response{200, "text/plain", body, {}}); }).join();
  }
  Respond take() {
    std::lock_guard lock(mutex_);
    Respond respond = pending_.front();
    pending_.pop_front();
    return respond;
  }

 private:
  std::mutex mutex_;
  std::deque<Respond> pending_;
  std::vector<std::thread> threads_;
};

ServerLimits short_deadlines() {
  ServerLimits limits;
  limits.first_request_timeout = 200ms;
  limits.idle_timeout = 200ms;
  return limits;
}

TEST(AsyncHandler, AnAnswerFromAnotherThreadLaterThanTheReadDeadlineArrives) {
  LaterHandler handler;
  TestServer server(handler, short_deadlines());
  RawClient client(server.port());
  client.send("GET /later HTTP/1.1\r\nHost: test\r\n\r\n");
  ASSERT_TRUE(eventually([&] { return handler.pending() == 1; }));
  // Three read deadlines pass with the answer pending: the connection must stay open.
  std::string early;
  EXPECT_EQ(client.read_some(early, 600ms), ReadEnd::kTimeout) << early;
  handler.answer_oldest("long poll done");
  const auto reply = client.read_response();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, "long poll done");
  // Kept alive: the next request is served as usual.
  EXPECT_EQ(client.request("/thread")->body, "from a thread /thread");
  EXPECT_EQ(client.request("/sync")->body, "now /sync");
  handler.join_threads();
}

TEST(AsyncHandler, OnlyTheFirstAnswerCounts) {
  LaterHandler handler;
  TestServer server(handler);
  RawClient client(server.port());
  EXPECT_EQ(client.request("/twice")->body, "first");
  EXPECT_EQ(client.request("/sync")->body, "now /sync");  // no stray second response before it
}

TEST(AsyncHandler, AThrowingOrForgetfulHandlerAnswers500) {
  LaterHandler handler;
  TestServer server(handler);
  RawClient client(server.port());
  EXPECT_EQ(client.request("/throw")->status, 500);
  RawClient forgetful(server.port());
  const auto reply = forgetful.request("/forget");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 500);
  EXPECT_EQ(reply->body, "no response\n");
}

TEST(AsyncHandler, AnsweringAfterTheConnectionIsGoneDoesNothing) {
  LaterHandler handler;
  TestServer server(handler);
  {
    RawClient client(server.port());
    client.send("GET /later HTTP/1.1\r\nHost: test\r\n\r\n");
    ASSERT_TRUE(eventually([&] { return handler.pending() == 1; }));
  }  // the client hangs up
  handler.answer_oldest("nobody listens");
  // Closed by the server's stop before the answer:
  RawClient client(server.port());
  client.send("GET /later HTTP/1.1\r\nHost: test\r\n\r\n");
  ASSERT_TRUE(eventually([&] { return handler.pending() == 1; }));
  std::atomic<bool> stopped{false};
  server.server().stop(0ms, [&] { stopped = true; });
  ASSERT_TRUE(eventually([&] { return stopped.load(); }));
  EXPECT_TRUE(client.closed_within(5s));
  handler.answer_oldest("too late");
}

TEST(AsyncHandler, APendingAnswerKeepsItsPlaceInTheBudget) {
  LaterHandler handler;
  ServerLimits limits;
  limits.max_connections = 1;
  TestServer server(handler, limits);
  RawClient waiting(server.port());
  waiting.send("GET /later HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(eventually([&] { return handler.pending() == 1; }));
  {
    RawClient refused(server.port(), "127.0.0.2");
    refused.send("GET /x HTTP/1.1\r\nHost: test\r\n\r\n");
    const auto [data, end] = refused.read_to_end(5s);
    EXPECT_NE(end, ReadEnd::kTimeout);
    EXPECT_EQ(data.find("200 OK"), std::string::npos) << data;
  }
  EXPECT_EQ(server.server().stats().refused_total, 1u);
  handler.answer_oldest("done");
  EXPECT_EQ(waiting.read_response()->body, "done");
  EXPECT_TRUE(waiting.closed_within(5s));
  waiting.close();
  ASSERT_TRUE(eventually([&] { return server.server().stats().open == 0; }, 3s));
  RawClient next(server.port(), "127.0.0.2");
  EXPECT_EQ(next.request("/x")->status, 200);
}

}  // namespace
}  // namespace webvox::http::test
