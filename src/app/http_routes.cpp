#include "app/http_routes.hpp"

#include <spdlog/spdlog.h>

#include "app/log_redaction.hpp"
#include "app/source_key.hpp"
#include "base/log_text.hpp"
#include "vivox/vivox_response.hpp"

namespace webvox::app {

void HttpRoutes::handle_async(http::Request request, http::Respond respond) {
  if (viewer_doors_) {
    if (spdlog::should_log(spdlog::level::debug)) {
      spdlog::debug("{} {} {}", request.secure ? "https" : "http", request.method,
                    redact_target(request.target));
    }
    if (viewer_doors_->serve(request, respond)) return;
    return respond(route(request));
  }
  respond(handle(request));
}

http::Response HttpRoutes::handle(const http::Request& request) {
  if (spdlog::should_log(spdlog::level::debug)) {
    spdlog::debug("{} {} {} from {}", request.secure ? "https" : "http",
                  base::log_text(request.method),
                  base::log_text(redact_target(request.target), 512), request.peer_address);
  }
  return route(request);
}

http::Response HttpRoutes::route(const http::Request& request) {
  const bool form = request.method == "POST" &&
                    request.content_type.starts_with("application/x-www-form-urlencoded");
  if (auto call = vivox::parse_vivox_request(request.target, request.body, form)) {
    call->source = source_key(request.peer_address);
    call->received = clock_();
    const auto started = std::chrono::steady_clock::now();
    auto body = vivox_.handle(*call);
    if (vivox_metrics_) {
      vivox_metrics_->record(call->script, vivox::response_result(body),
                             std::chrono::steady_clock::now() - started);
    }
    return http::Response{200, "text/xml; charset=utf-8", std::move(body), {}};
  }
  if (operations_) {
    if (auto response = operations_->serve(request)) return std::move(*response);
  }
  if (join_tokens_) {
    if (auto response = join_tokens_->serve(request)) return std::move(*response);
  }
  if (channel_admin_) {
    if (auto response = channel_admin_->serve(request)) return std::move(*response);
  }
  if (world_) {
    if (auto response = world_->serve(request)) return std::move(*response);
  }
  if (files_) {
    if (auto response = files_->serve(request)) return std::move(*response);
  }
  return http::Response{404, "text/plain; charset=utf-8", "not found\n", {}};
}

}  // namespace webvox::app
