#include "http/http_message.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

using webvox::http::Request;
using webvox::http::Respond;
using webvox::http::Response;

TEST(Respond, OnlyTheFirstCallOfAnyCopyCountsFromAnyThread) {
  std::atomic<int> delivered{0};
  std::atomic<unsigned> status{0};
  {
    Respond respond([&](Response response) {
      ++delivered;
      status = response.status;
    });
    std::vector<std::thread> threads;
    for (unsigned i = 0; i < 8; ++i) {
      threads.emplace_back([copy = respond, i] { copy(Response{200 + i, "", "", {}}); });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_TRUE(respond.answered());
  }
  EXPECT_EQ(delivered, 1);  // and not a 500 when the last copy went
  EXPECT_GE(status, 200u);
  EXPECT_LT(status, 208u);
}

TEST(Respond, DroppingEveryCopyUnusedAnswers500) {
  std::vector<unsigned> statuses;
  {
    Respond respond([&](Response response) { statuses.push_back(response.status); });
    const Respond copy = respond;
    EXPECT_FALSE(copy.answered());
  }
  EXPECT_EQ(statuses, std::vector<unsigned>{500});
}

TEST(Respond, TheDefaultAsyncHandlerAnswersWithHandle) {
  struct Handler : webvox::http::RequestHandler {
    Response handle(const Request& request) override {
      return Response{201, "text/plain", request.target, {}};
    }
  } handler;
  Response got;
  Request request;
  request.target = "/x";
  handler.handle_async(request, Respond([&](Response response) { got = std::move(response); }));
  EXPECT_EQ(got.status, 201u);
  EXPECT_EQ(got.body, "/x");
}
