// WebSocket limits on a real server: frames are charged one by one (empty continuation frames
// included), the first-message deadline holds while frames keep coming, and what held before
// (message size, text only, echo over TLS) still does.
#include <atomic>
#include <mutex>

#include "http_test_support.hpp"

namespace webvox::http::test {
namespace {

// Echoes every message; on the first-message deadline closes 1008 unless a message came (as
// the signalling endpoint does for a client that has not signed in).
class EchoSocket final : public WebSocketHandler {
 public:
  explicit EchoSocket(std::shared_ptr<WebSocketConnection> connection)
      : connection_(std::move(connection)) {}
  void on_message(std::string_view text) override {
    got_message_ = true;
    connection_->send("echo " + std::string(text));
  }
  void on_close() override { connection_.reset(); }
  void on_deadline() override {
    if (!got_message_ && connection_) connection_->close(1008, "sign in first");
  }

 private:
  std::shared_ptr<WebSocketConnection> connection_;
  bool got_message_ = false;
};

class EchoService final : public WebSocketService {
 public:
  bool accepts(const Request& request) const override { return request.target == "/ws"; }
  std::shared_ptr<WebSocketHandler> open(const Request&,
                                         std::shared_ptr<WebSocketConnection> connection) override {
    ++opened;
    return std::make_shared<EchoSocket>(std::move(connection));
  }
  std::atomic<int> opened{0};
};

class NoHttp final : public RequestHandler {
 public:
  Response handle(const Request&) override { return Response{404, "text/plain", "", {}}; }
};

TEST(WebSocketLimits, MessagesStillEchoAndTheOldLimitsHold) {
  NoHttp http;
  EchoService service;
  ServerLimits limits;
  limits.max_websocket_message_bytes = 1000;
  TestServer server(http, limits, &service);
  for (const bool tls : {false, true}) {
    WsClient client(server.port(), "/ws", "127.0.0.1", tls);
    ASSERT_TRUE(client.upgraded());
    ASSERT_TRUE(client.send_text("hello"));
    const auto echo = client.read_frame();
    ASSERT_TRUE(echo);
    EXPECT_EQ(echo->payload, "echo hello");
    // Fragmented into a few frames: still one message.
    client.send_raw(ws_frame(0x1, false, "he") + ws_frame(0x0, false, "") +
                    ws_frame(0x0, true, "y"));
    EXPECT_EQ(client.read_frame()->payload, "echo hey");
    ASSERT_TRUE(client.send_text(std::string(1001, 'x')));
    const auto close = client.read_frame();
    ASSERT_TRUE(close);
    EXPECT_EQ(close->opcode, 0x8u);
    EXPECT_EQ(close->close_code(), 1009);
  }
}

TEST(WebSocketLimits, EmptyContinuationFramesAreChargedOneByOne) {
  NoHttp http;
  EchoService service;
  ServerLimits limits;
  limits.max_websocket_frames_per_message = 8;
  TestServer server(http, limits, &service);
  WsClient client(server.port());
  ASSERT_TRUE(client.upgraded());
  std::string frames = ws_frame(0x1, false, "");
  for (int i = 0; i < 8; ++i) frames += ws_frame(0x0, false, "");
  client.send_raw(frames);  // nine frames and no message finished
  EXPECT_TRUE(client.raw().closed_within(5s));
}

TEST(WebSocketLimits, AFrameFloodIsDroppedWhateverTheFramesAre) {
  NoHttp http;
  EchoService service;
  ServerLimits limits;
  limits.max_websocket_frames_per_message = 1000000;
  limits.websocket_frames_per_second = 50;
  limits.websocket_frame_burst = 100;
  TestServer server(http, limits, &service);
  for (const unsigned opcode : {0x0u, 0xAu}) {  // empty continuations, unsolicited pongs
    WsClient client(server.port());
    ASSERT_TRUE(client.upgraded());
    std::string burst = opcode == 0 ? ws_frame(0x1, false, "") : "";
    for (int i = 0; i < 1000; ++i) burst += ws_frame(opcode, opcode != 0, "");
    client.send_raw(burst);
    EXPECT_TRUE(client.raw().closed_within(5s)) << opcode;
  }
}

TEST(WebSocketLimits, TheFirstMessageDeadlineHoldsWhileFramesKeepComing) {
  NoHttp http;
  EchoService service;
  ServerLimits limits;
  limits.websocket_first_deadline = 300ms;
  limits.close_timeout = 500ms;
  TestServer server(http, limits, &service);
  WsClient client(server.port());
  ASSERT_TRUE(client.upgraded());
  const auto started = Clock::now();
  // Within the frame rate (50 a second, the limit is 100), never finishing a message.
  std::atomic<bool> sending{true};
  client.send_raw(ws_frame(0x1, false, ""));
  std::thread sender([&] {
    while (sending && client.send_raw(ws_frame(0x0, false, ""))) {
      std::this_thread::sleep_for(20ms);  // the attacker's pace, not a synchronisation
    }
  });
  const auto close = client.read_frame();
  ASSERT_TRUE(close);
  EXPECT_EQ(close->opcode, 0x8u);
  EXPECT_EQ(close->close_code(), 1008);
  EXPECT_EQ(close->close_reason(), "sign in first");
  // The peer never answers the close and keeps sending: it is dropped at the close timeout.
  EXPECT_TRUE(client.raw().closed_within(5s));
  EXPECT_LT(Clock::now() - started, 3s);
  sending = false;
  sender.join();
}

}  // namespace
}  // namespace webvox::http::test
