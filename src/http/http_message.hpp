#pragma once

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
  bool secure = false;  // arrived over TLS
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

// Answers requests; called concurrently from the server's threads.
class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  virtual Response handle(const Request& request) = 0;
};

}  // namespace webvox::http
