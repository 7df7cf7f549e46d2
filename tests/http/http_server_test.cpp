// HttpServer over real loopback sockets: one port for TLS and plain HTTP, keep-alive, the
// header/body limits, chunked-body attacks, Transfer-Encoding, deadlines, TLS suites.
#include <openssl/ssl.h>

#include <atomic>
#include <mutex>
#include <set>

#include "http_test_support.hpp"

namespace webvox::http::test {
namespace {

class EchoHandler final : public RequestHandler {
 public:
  Response handle(const Request& request) override {
    std::lock_guard lock(mutex_);
    targets_.insert(request.target);
    return Response{200,
                    "text/plain",
                    request.method + " " + request.target + " " +
                        (request.secure ? "tls " : "plain ") + request.body,
                    {}};
  }
  bool saw(const std::string& target) {
    std::lock_guard lock(mutex_);
    return targets_.count(target) > 0;
  }

 private:
  std::mutex mutex_;
  std::set<std::string> targets_;
};

ServerLimits short_deadlines() {
  ServerLimits limits;
  limits.handshake_timeout = 300ms;
  limits.first_request_timeout = 300ms;
  limits.idle_timeout = 600ms;
  limits.close_timeout = 300ms;
  return limits;
}

// The request head of a chunked POST.
const std::string kChunkedHead =
    "POST /upload HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n";

TEST(HttpServer, ServesPlainAndTlsOnOnePortWithKeepAlive) {
  EchoHandler handler;
  TestServer server(handler);
  RawClient plain(server.port());
  for (int i = 0; i < 3; ++i) {
    const auto reply = plain.request("/p" + std::to_string(i));
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200);
    EXPECT_EQ(reply->body, "GET /p" + std::to_string(i) + " plain ");
  }
  RawClient tls(server.port());
  ASSERT_TRUE(tls.start_tls());
  for (int i = 0; i < 3; ++i) {
    const auto reply = tls.request("/t", "", "body");
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->body, "GET /t tls body");
  }
  EXPECT_EQ(server.server().stats().open, 2u);
}

TEST(HttpServer, HeaderAndBodyLimitsStillHold) {
  EchoHandler handler;
  TestServer server(handler);
  {
    RawClient client(server.port());
    client.send("GET /x HTTP/1.1\r\nHost: test\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
    const auto reply = client.read_response();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 413);
    EXPECT_TRUE(client.closed_within(5s));
  }
  {
    RawClient client(server.port());
    client.send("POST /x HTTP/1.1\r\nHost: test\r\nContent-Length: 100000\r\n\r\n" +
                std::string(1000, 'b'));
    const auto reply = client.read_response();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 413);
    EXPECT_TRUE(client.closed_within(5s));
  }
  {
    RawClient client(server.port());
    client.send(kChunkedHead + "8000\r\n" + std::string(0x8000, 'c') + "\r\n8001\r\n" +
                std::string(0x8001, 'c') + "\r\n0\r\n\r\n");
    const auto reply = client.read_response();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 413);  // 64 KiB + 1 in chunks
  }
}

TEST(HttpServer, ChunkedBodiesWithShortExtensionsAndTrailersAreRead) {
  EchoHandler handler;
  TestServer server(handler);
  RawClient client(server.port());
  client.send(kChunkedHead + "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n");
  const auto reply = client.read_response();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body, "POST /upload plain hello world");
  EXPECT_EQ(client.request("/after")->status, 200);  // kept alive
}

// Sends `piece` until `total` bytes went out or the server stopped taking them.
void send_until(RawClient& client, const std::string& piece, std::size_t total) {
  for (std::size_t sent = 0; sent < total; sent += piece.size()) {
    if (!client.send(piece)) return;
  }
}

TEST(HttpServer, AChunkSizeLineThatNeverEndsIsCutAtTheReadBuffer) {
  EchoHandler handler;
  ServerLimits limits;
  TestServer server(handler, limits);
  RawClient client(server.port());
  client.send(kChunkedHead + "1;e");
  // Twice what the connection may buffer, and no end of line: the server must give up on
  // its own instead of buffering on (on main it grew 1:1 with what was sent).
  send_until(client, std::string(4096, 'e'), 2 * limits.read_buffer_bytes());
  const auto reply = client.read_response();
  ASSERT_TRUE(reply) << "no answer after " << 2 * limits.read_buffer_bytes()
                     << " bytes of extension";
  EXPECT_EQ(reply->status, 413);
  EXPECT_EQ(reply->header("connection"), "close");
  EXPECT_TRUE(client.closed_within(5s));
}

TEST(HttpServer, ATrailerSectionThatNeverEndsIsCutAtTheReadBuffer) {
  EchoHandler handler;
  ServerLimits limits;
  TestServer server(handler, limits);
  RawClient client(server.port());
  client.send(kChunkedHead + "3\r\nabc\r\n0\r\n");
  send_until(client, "X-Trailer: " + std::string(80, 't') + "\r\n", 2 * limits.read_buffer_bytes());
  const auto reply = client.read_response();
  ASSERT_TRUE(reply) << "no answer after " << 2 * limits.read_buffer_bytes() << " bytes of trailer";
  EXPECT_EQ(reply->status, 413);
  EXPECT_TRUE(client.closed_within(5s));
}

TEST(HttpServer, AChunkExtensionOverItsLimitIs400) {
  EchoHandler handler;
  ServerLimits limits;
  TestServer server(handler, limits);
  RawClient client(server.port());
  client.send(kChunkedHead + "5;e=" + std::string(limits.max_chunk_extension_bytes, 'e') +
              "\r\nhello\r\n0\r\n\r\n");
  const auto reply = client.read_response();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
  EXPECT_TRUE(client.closed_within(5s));
  EXPECT_FALSE(handler.saw("/upload"));
}

TEST(HttpServer, AnUnknownTransferCodingIs501AndTheBodyIsNeverReadAsARequest) {
  EchoHandler handler;
  TestServer server(handler);
  RawClient client(server.port());
  client.send(
      "POST /first HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: xchunked\r\n\r\n"
      "GET /smuggled HTTP/1.1\r\nHost: test\r\n\r\n");
  const auto reply = client.read_response();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 501);
  EXPECT_EQ(reply->header("connection"), "close");
  EXPECT_TRUE(client.closed_within(5s));
  EXPECT_FALSE(handler.saw("/first"));
  EXPECT_FALSE(handler.saw("/smuggled"));

  RawClient second(server.port());
  second.send(
      "POST /second HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked, identity\r\n\r\n");
  const auto bad = second.read_response();
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_TRUE(second.closed_within(5s));
}

TEST(HttpServer, ASilentConnectionIsClosedAtTheHandshakeDeadline) {
  EchoHandler handler;
  TestServer server(handler, short_deadlines());
  RawClient silent(server.port());
  RawClient half_hello(server.port());
  half_hello.send(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));
  EXPECT_TRUE(silent.closed_within(5s));
  EXPECT_TRUE(half_hello.closed_within(5s));
  EXPECT_TRUE(eventually([&] { return server.server().stats().open == 0; }));
}

TEST(HttpServer, TheFirstRequestMustArriveWholeWithinItsDeadlineHoweverItTrickles) {
  EchoHandler handler;
  TestServer server(handler, short_deadlines());
  RawClient client(server.port());
  const std::string request =
      "GET /slow HTTP/1.1\r\nHost: test\r\nX-Padding: " + std::string(200, 'p') + "\r\n\r\n";
  const auto started = Clock::now();
  bool closed = false;
  // One byte every 10 ms: each read makes progress, the request would take > 2 s in all.
  for (const char c : request) {
    if (!client.send(std::string(1, c))) {
      closed = true;
      break;
    }
    std::string ignored;
    const auto end = client.read_some(ignored, 10ms);
    if (end == ReadEnd::kClosed || end == ReadEnd::kReset) {
      closed = true;
      break;
    }
  }
  EXPECT_TRUE(closed || client.closed_within(5s));
  EXPECT_LT(Clock::now() - started, 2s);
  EXPECT_FALSE(handler.saw("/slow"));
}

TEST(HttpServer, AnIdleKeptAliveConnectionIsClosedAtTheIdleDeadline) {
  EchoHandler handler;
  TestServer server(handler, short_deadlines());
  RawClient client(server.port());
  ASSERT_EQ(client.request("/one")->status, 200);
  EXPECT_TRUE(client.closed_within(5s));
}

TEST(HttpServer, TlsTwelveOffersOnlyEcdheWithAead) {
  EchoHandler handler;
  TestServer server(handler);
  {
    RawClient cbc(server.port());
    EXPECT_FALSE(
        cbc.start_tls("ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:"
                      "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA384:"
                      "ECDHE-RSA-AES128-SHA:AES128-SHA:AES256-SHA256",
                      TLS1_2_VERSION));
  }
  {
    RawClient gcm(server.port());
    ASSERT_TRUE(
        gcm.start_tls("ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES128-GCM-SHA256", TLS1_2_VERSION));
    EXPECT_EQ(gcm.tls_cipher(), "ECDHE-ECDSA-AES128-GCM-SHA256");  // the server's choice
    EXPECT_EQ(gcm.request("/gcm")->status, 200);
  }
  {
    RawClient chacha(server.port());
    ASSERT_TRUE(chacha.start_tls("ECDHE-ECDSA-CHACHA20-POLY1305", TLS1_2_VERSION));
    EXPECT_EQ(chacha.request("/chacha")->status, 200);
  }
  {
    RawClient modern(server.port());
    ASSERT_TRUE(modern.start_tls());
    EXPECT_EQ(modern.request("/tls13")->status, 200);
  }
}

}  // namespace
}  // namespace webvox::http::test
