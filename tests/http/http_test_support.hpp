// What the src/http tests share: a real HttpServer on 127.0.0.1:0 run by two threads, and
// blocking raw-socket clients (plain, TLS, WebSocket frames by hand) that can bind any
// 127.0.0.x source address. Every wait is bounded; nothing sleeps to synchronise.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "http/http_server.hpp"
#include "http/tls_context.hpp"

namespace webvox::http::test {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Polls `condition` until it holds or `timeout` passes; true if it held.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = 10s) {
  const auto deadline = Clock::now() + timeout;
  while (!condition()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(2ms);  // a polling step, not a wait for something to happen
  }
  return true;
}

// The server's self-signed certificate, made once per test binary.
inline const CertificatePaths& test_certificate() {
  static const CertificatePaths paths = [] {
    const auto directory = std::filesystem::temp_directory_path() /
                           ("webvox-http-tests-" + std::to_string(::getpid()));
    std::filesystem::create_directories(directory);
    return ensure_self_signed_certificate(directory);
  }();
  return paths;
}

// A real server on 127.0.0.1 with an ephemeral port, two threads running it.
class TestServer {
 public:
  TestServer(RequestHandler& handler, ServerLimits limits = {},
             WebSocketService* websockets = nullptr)
      : tls_(make_server_tls_context(test_certificate())),
        work_(boost::asio::make_work_guard(io_)),
        server_(std::make_unique<HttpServer>(io_, tls_, handler, websockets, limits)) {
    server_->listen({boost::asio::ip::make_address("127.0.0.1"), 0});
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  // Stops the server as webvoxd does (WebSockets closed, their handlers told), so that no
  // session is left in a cycle with its handler when the io_context goes.
  ~TestServer() {
    std::atomic<bool> done{false};
    server_->stop(0ms, [&done] { done = true; });
    eventually([&] { return done.load() && server_->stats().open == 0; }, 5s);
    work_.reset();
    io_.stop();
    for (auto& thread : threads_) thread.join();
    server_.reset();
  }

  std::uint16_t port() const { return server_->local_endpoint().port(); }
  HttpServer& server() { return *server_; }
  boost::asio::io_context& io() { return io_; }

 private:
  boost::asio::io_context io_;
  boost::asio::ssl::context tls_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::unique_ptr<HttpServer> server_;
  std::vector<std::thread> threads_;
};

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& lower_name) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

// Why a read stopped.
enum class ReadEnd { kData, kClosed, kReset, kTimeout };

// A blocking TCP client, optionally from a chosen 127.0.0.x address, optionally TLS.
class RawClient {
 public:
  explicit RawClient(std::uint16_t port, const std::string& source = "127.0.0.1",
                     std::chrono::milliseconds timeout = 10s)
      : timeout_(timeout) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_GE(fd_, 0);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from), 0)
        << std::strerror(errno);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0;
    EXPECT_TRUE(connected_) << std::strerror(errno);
  }
  ~RawClient() {
    if (ssl_) SSL_free(ssl_);
    if (ssl_context_) SSL_CTX_free(ssl_context_);
    if (fd_ >= 0) ::close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  // TLS over this connection; `ciphers` (TLS 1.2 syntax) and max version as given.
  bool start_tls(const char* ciphers = nullptr, int max_version = 0) {
    ssl_context_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(ssl_context_, SSL_VERIFY_NONE, nullptr);
    if (max_version) SSL_CTX_set_max_proto_version(ssl_context_, max_version);
    if (ciphers) SSL_CTX_set_cipher_list(ssl_context_, ciphers);
    ssl_ = SSL_new(ssl_context_);
    SSL_set_fd(ssl_, fd_);
    set_timeout(timeout_);
    return SSL_connect(ssl_) == 1;
  }
  std::string tls_cipher() const { return ssl_ ? SSL_get_cipher_name(ssl_) : ""; }

  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const auto n = ssl_ ? SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()))
                          : ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Some bytes, or why there are none.
  ReadEnd read_some(std::string& into, std::chrono::milliseconds timeout) {
    set_timeout(timeout);
    char buffer[16384];
    const auto n =
        ssl_ ? SSL_read(ssl_, buffer, sizeof buffer) : ::recv(fd_, buffer, sizeof buffer, 0);
    if (n > 0) {
      into.append(buffer, static_cast<std::size_t>(n));
      return ReadEnd::kData;
    }
    if (n == 0) return ReadEnd::kClosed;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return ReadEnd::kTimeout;
    return errno == ECONNRESET ? ReadEnd::kReset : ReadEnd::kClosed;
  }

  // Reads until the peer closes (or resets, or `timeout` passes in all); returns what came.
  std::pair<std::string, ReadEnd> read_to_end(std::chrono::milliseconds timeout = 10s) {
    std::string data;
    const auto deadline = Clock::now() + timeout;
    while (true) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left <= 0ms) return {data, ReadEnd::kTimeout};
      const auto end = read_some(data, left);
      if (end != ReadEnd::kData) return {data, end};
    }
  }

  // One HTTP response (Content-Length framed), or nothing if the connection ended first.
  std::optional<HttpReply> read_response(std::chrono::milliseconds timeout = 10s) {
    const auto deadline = Clock::now() + timeout;
    while (true) {
      if (auto reply = take_response()) return reply;
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left <= 0ms || read_some(pending_, left) != ReadEnd::kData) return take_response();
    }
  }

  // Sends a request and reads its response.
  std::optional<HttpReply> request(const std::string& target, const std::string& extra_headers = "",
                                   const std::string& body = "") {
    if (!send("GET " + target + " HTTP/1.1\r\nHost: test\r\n" + extra_headers +
              "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body)) {
      return std::nullopt;
    }
    return read_response();
  }

  // True once the server has closed (FIN or RST) within `timeout`; bytes before are dropped.
  bool closed_within(std::chrono::milliseconds timeout) {
    const auto [data, end] = read_to_end(timeout);
    return end == ReadEnd::kClosed || end == ReadEnd::kReset;
  }

  // Closes our side (as a client does once it has read a Connection: close answer).
  void close() {
    if (ssl_) {
      SSL_free(ssl_);
      ssl_ = nullptr;
    }
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  int fd() const { return fd_; }
  std::string& pending() { return pending_; }

 private:
  void set_timeout(std::chrono::milliseconds timeout) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    if (tv.tv_sec == 0 && tv.tv_usec == 0) tv.tv_usec = 1000;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }

  std::optional<HttpReply> take_response() {
    const auto end = pending_.find("\r\n\r\n");
    if (end == std::string::npos) return std::nullopt;
    HttpReply reply;
    const auto head = pending_.substr(0, end);
    std::size_t line_end = head.find("\r\n");
    const auto status_line = head.substr(0, line_end);
    if (status_line.size() < 12) return std::nullopt;
    reply.status = std::stoi(status_line.substr(9, 3));
    while (line_end != std::string::npos) {
      const auto start = line_end + 2;
      line_end = head.find("\r\n", start);
      const auto line =
          head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      reply.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
    }
    const auto length_header = reply.headers.find("content-length");
    const std::size_t length =
        length_header == reply.headers.end() ? 0 : std::stoul(length_header->second);
    if (pending_.size() < end + 4 + length) return std::nullopt;
    reply.body = pending_.substr(end + 4, length);
    pending_.erase(0, end + 4 + length);
    return reply;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::chrono::milliseconds timeout_;
  SSL_CTX* ssl_context_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string pending_;
};

// WebSocket frames written by hand (a client's frames are masked), and read back.
inline std::string ws_frame(unsigned opcode, bool fin, std::string_view payload) {
  std::string frame;
  frame += static_cast<char>((fin ? 0x80 : 0) | opcode);
  if (payload.size() < 126) {
    frame += static_cast<char>(0x80 | payload.size());
  } else {
    frame += static_cast<char>(0x80 | 126);
    frame += static_cast<char>(payload.size() >> 8);
    frame += static_cast<char>(payload.size() & 0xff);
  }
  const char mask[4] = {0x11, 0x22, 0x33, 0x44};
  frame.append(mask, 4);
  for (std::size_t i = 0; i < payload.size(); ++i)
    frame += static_cast<char>(payload[i] ^ mask[i % 4]);
  return frame;
}

struct WsFrame {
  unsigned opcode = 0;
  std::string payload;
  std::uint16_t close_code() const {
    return payload.size() >= 2
               ? static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                            static_cast<unsigned char>(payload[1]))
               : 0;
  }
  std::string close_reason() const { return payload.size() > 2 ? payload.substr(2) : ""; }
};

// A WebSocket client on a RawClient: the upgrade by hand, then frames.
class WsClient {
 public:
  WsClient(std::uint16_t port, const std::string& target = "/ws",
           const std::string& source = "127.0.0.1", bool tls = false)
      : client_(port, source) {
    if (tls) {
      EXPECT_TRUE(client_.start_tls());
    }
    EXPECT_TRUE(
        client_.send("GET " + target +
                     " HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     "Sec-WebSocket-Version: 13\r\n\r\n"));
    const auto reply = client_.read_response();
    upgraded_ = reply && reply->status == 101;
  }
  bool upgraded() const { return upgraded_; }
  bool send_text(std::string_view text) { return client_.send(ws_frame(0x1, true, text)); }
  bool send_raw(std::string_view bytes) { return client_.send(bytes); }

  // The next frame from the server, or nothing if the connection ended or `timeout` passed.
  std::optional<WsFrame> read_frame(std::chrono::milliseconds timeout = 10s) {
    const auto deadline = Clock::now() + timeout;
    auto& data = client_.pending();
    while (true) {
      if (data.size() >= 2) {
        std::size_t length = static_cast<unsigned char>(data[1]) & 0x7f;
        std::size_t header = 2;
        if (length == 126 && data.size() >= 4) {
          length = (static_cast<unsigned char>(data[2]) << 8) | static_cast<unsigned char>(data[3]);
          header = 4;
        }
        if (length < 126 || header == 4) {
          if (data.size() >= header + length) {
            WsFrame frame{static_cast<unsigned>(data[0] & 0x0f), data.substr(header, length)};
            data.erase(0, header + length);
            return frame;
          }
        }
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left <= 0ms || client_.read_some(data, left) != ReadEnd::kData) return std::nullopt;
    }
  }

  RawClient& raw() { return client_; }

 private:
  RawClient client_;
  bool upgraded_ = false;
};

}  // namespace webvox::http::test
