#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace webvox::http {

// The parts of an HTTP request the application looks at, free of Beast types so that
// handlers can be tested without sockets.
struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path and query, as sent
  std::string content_type;
  std::string authorization;  // the Authorization header
  std::string body;
  bool secure = false;       // arrived over TLS
  std::string peer_address;  // the client's IP address as text, no port ("" if unknown)
  // The X-SecondLife-* headers a simulator adds to an in-world script's llHTTPRequest
  // (docs/world.md), names lower-cased. No other headers are copied: most requests are the
  // region module's, on the hot path.
  std::vector<std::pair<std::string, std::string>> secondlife_headers;

  // The value of the first such header named `lower_name`, or empty.
  std::string_view secondlife_header(std::string_view lower_name) const {
    for (const auto& [name, value] : secondlife_headers) {
      if (name == lower_name) return value;
    }
    return {};
  }
};

struct Response {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Sends the answer to one request, from any thread, now or later (a long poll, a result
// computed elsewhere). Copies share one answer: only the first call of any copy counts, later
// ones do nothing. If the connection is gone by then, the call does nothing either. If every
// copy is dropped without a call, the client gets 500 rather than waiting forever.
class Respond {
 public:
  // `deliver` gets the one answer: from the first call, or the 500 when the last copy goes
  // unused. It runs on the calling thread (the server's posts it to the connection's strand).
  explicit Respond(std::function<void(Response)> deliver)
      : state_(std::make_shared<State>(std::move(deliver))) {}

  void operator()(Response response) const { state_->answer(std::move(response)); }
  // True once some copy was called.
  bool answered() const { return state_->answered.load(); }

 private:
  struct State {
    explicit State(std::function<void(Response)> d) : deliver(std::move(d)) {}
    State(const State&) = delete;
    State& operator=(const State&) = delete;
    ~State() {
      try {
        answer(Response{500, "text/plain; charset=utf-8", "no response\n", {}});
      } catch (...) {  // a destructor must not throw; the connection's own deadline remains
      }
    }
    void answer(Response response) {
      if (answered.exchange(true)) return;
      deliver(std::move(response));
    }
    std::atomic<bool> answered{false};
    std::function<void(Response)> deliver;
  };
  std::shared_ptr<State> state_;
};

// Answers requests; called concurrently from the server's threads.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual Response handle(const Request& request) = 0;
  // The server calls this one. Override it to answer later or from another thread; while the
  // answer is pending the connection's read deadline is off (bound your own time: the
  // connection keeps its place in the server's connection budget until answered). On a
  // graceful stop a pending request is answered 503 by the server. An exception thrown here
  // before `respond` was called answers 500.
  virtual void handle_async(Request request, Respond respond) { respond(handle(request)); }
};

}  // namespace webvox::http
