#pragma once

#include "http/http_message.hpp"
#include "vivox/vivox_api.hpp"

namespace webvox::app {

// Maps HTTP requests to the application: /…/api2/viv_*.php to the Vivox API (always HTTP
// 200 with an XML body, errors included), everything else to a plain 404.
class HttpRoutes final : public http::RequestHandler {
 public:
  explicit HttpRoutes(vivox::VivoxApi& vivox) : vivox_(vivox) {}

  http::Response handle(const http::Request& request) override;

 private:
  vivox::VivoxApi& vivox_;
};

}  // namespace webvox::app
