// The connection budget on a real server: total and per source (several 127.0.0.x sources,
// all of which route on loopback), refusals cheap and counted, the region module served
// while one hostile source holds its maximum.
#include "http_test_support.hpp"

namespace webvox::http::test {
namespace {

class OkHandler final : public RequestHandler {
 public:
  Response handle(const Request& request) override {
    return Response{200, "text/plain", "ok " + request.target, {}};
  }
};

// A refused connection is closed at once, possibly after a 503: never served.
void expect_refused(RawClient& client) {
  client.send("GET /refused HTTP/1.1\r\nHost: test\r\n\r\n");
  const auto [data, end] = client.read_to_end(5s);
  EXPECT_NE(end, ReadEnd::kTimeout) << "a refused connection must be closed at once";
  if (!data.empty()) {
    EXPECT_EQ(data.rfind("HTTP/1.1 503 ", 0), 0u) << data;
    EXPECT_NE(data.find("Connection: close"), std::string::npos) << data;
  }
}

TEST(ServerBudget, TheRegionModuleIsServedWhileOneSourceHoldsItsMaximum) {
  OkHandler handler;
  ServerLimits limits;
  limits.max_connections = 20;
  limits.max_connections_per_source = 4;
  TestServer server(handler, limits);

  std::vector<std::unique_ptr<RawClient>> hostile;
  for (int i = 0; i < 4; ++i)
    hostile.push_back(std::make_unique<RawClient>(server.port(), "127.0.0.2"));
  ASSERT_TRUE(eventually([&] { return server.server().stats().open == 4; }));
  RawClient fifth(server.port(), "127.0.0.2");
  expect_refused(fifth);
  EXPECT_EQ(server.server().stats().refused_per_source, 1u);

  // The module: a new connection (plain and TLS) per call, and keep-alive calls.
  for (int i = 0; i < 10; ++i) {
    RawClient module(server.port(), "127.0.0.3");
    if (i % 2) {
      ASSERT_TRUE(module.start_tls());
    }
    const auto reply = module.request("/api2/viv_signin.php");
    ASSERT_TRUE(reply) << i;
    EXPECT_EQ(reply->status, 200);
  }
  RawClient keep_alive(server.port(), "127.0.0.4");
  for (int i = 0; i < 10; ++i) EXPECT_EQ(keep_alive.request("/api2/viv_get_acct.php")->status, 200);
  EXPECT_EQ(server.server().stats().refused_per_source, 1u);
  EXPECT_EQ(server.server().stats().refused_total, 0u);
}

TEST(ServerBudget, AFullTotalRefusesEverySourceUntilAPlaceComesBack) {
  OkHandler handler;
  ServerLimits limits;
  limits.max_connections = 3;
  limits.max_connections_per_source = 0;
  TestServer server(handler, limits);
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 3; ++i) {
    idle.push_back(std::make_unique<RawClient>(server.port(), "127.0.0." + std::to_string(10 + i)));
  }
  ASSERT_TRUE(eventually([&] { return server.server().stats().open == 3; }));
  for (int i = 0; i < 3; ++i) {
    RawClient refused(server.port(), "127.0.0.20");
    expect_refused(refused);
  }
  EXPECT_EQ(server.server().stats().refused_total, 3u);
  idle.pop_back();
  ASSERT_TRUE(eventually([&] { return server.server().stats().open == 2; }));
  RawClient served(server.port(), "127.0.0.20");
  const auto reply = served.request("/again");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
}

TEST(ServerBudget, DeadlinesGiveBackThePlacesIdleConnectionsHold) {
  OkHandler handler;
  ServerLimits limits;
  limits.max_connections = 2;
  limits.handshake_timeout = 200ms;
  TestServer server(handler, limits);
  RawClient a(server.port(), "127.0.0.30");
  RawClient b(server.port(), "127.0.0.31");
  ASSERT_TRUE(eventually([&] { return server.server().stats().open == 2; }));
  EXPECT_TRUE(a.closed_within(5s));
  EXPECT_TRUE(b.closed_within(5s));
  ASSERT_TRUE(eventually([&] { return server.server().stats().open == 0; }));
  RawClient c(server.port(), "127.0.0.32");
  EXPECT_EQ(c.request("/x")->status, 200);
}

}  // namespace
}  // namespace webvox::http::test
