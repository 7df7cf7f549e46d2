#include "app/operations_endpoints.hpp"

#include <future>
#include <memory>

#include "base/prometheus_text.hpp"

namespace webvox::app {
namespace {

http::Response plain(unsigned status, std::string body) {
  return http::Response{status, "text/plain; charset=utf-8", std::move(body), {}};
}

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

struct MediaPart {
  MediaHost::Stats media;
  SfuService::Stats sfu;
};

}  // namespace

std::optional<MetricsSnapshot> OperationsEndpoints::gather() const {
  MetricsSnapshot snapshot;
  snapshot.version = sources_.version;
  snapshot.start_time_seconds = sources_.start_time_seconds;
  if (sources_.media) {
    // Read on the media thread, which owns the counters; the HTTP thread waits for it.
    auto promise = std::make_shared<std::promise<MediaPart>>();
    auto future = promise->get_future();
    sources_.media->post([promise, media = sources_.media, sfu = sources_.sfu] {
      MediaPart part;
      part.media = media->stats();
      if (sfu) part.sfu = sfu->stats();
      promise->set_value(std::move(part));
    });
    if (future.wait_for(kMediaWait) != std::future_status::ready) return std::nullopt;
    try {
      auto part = future.get();
      snapshot.media = part.media;
      snapshot.sfu = part.sfu;
    } catch (const std::future_error&) {
      return std::nullopt;  // the media thread stopped and dropped the task
    }
  }
  if (sources_.http) snapshot.http = sources_.http();
  if (sources_.hub) snapshot.census = sources_.hub->census();
  if (sources_.viewers) snapshot.viewers = sources_.viewers->stats();
  if (sources_.vivox) snapshot.vivox = sources_.vivox->snapshot();
  if (sources_.admin_gate) {
    snapshot.sign_in.admin_http_refused = sources_.admin_gate->refused();
    snapshot.sign_in.admin_http_throttled = sources_.admin_gate->throttled();
  }
  if (sources_.password_checks) {
    const auto failures = sources_.password_checks->failures();
    snapshot.sign_in.hello_password_refused = failures.password_refused;
    snapshot.sign_in.hello_throttled = failures.throttled;
    snapshot.sign_in.hello_token_refused = failures.token_refused;
  }
  return snapshot;
}

std::optional<std::string> OperationsEndpoints::not_ready() const {
  if (readiness_.store) {
    if (auto problem = readiness_.store()) return "store: " + *problem;
  }
  if (readiness_.media) {
    if (auto problem = readiness_.media()) return "media: " + *problem;
  }
  return std::nullopt;
}

std::optional<http::Response> OperationsEndpoints::serve(const http::Request& request) {
  const auto path = path_of(request.target);
  if (path != "/metrics" && path != "/healthz" && path != "/readyz") return std::nullopt;
  if (request.method != "GET" && request.method != "HEAD") {
    auto response = plain(405, "method not allowed\n");
    response.headers.emplace_back("Allow", "GET, HEAD");
    return response;
  }
  if (path == "/healthz") return plain(200, "ok\n");
  if (path == "/readyz") {
    if (auto problem = not_ready()) return plain(503, "not ready: " + *problem + "\n");
    return plain(200, "ready\n");
  }
  if (!metrics_public_ && gate_) {
    if (auto refusal = gate_->refuse(request, "metrics request")) return refusal;
  }
  const auto snapshot = gather();
  if (!snapshot) return plain(503, "the media thread did not answer; try again\n");
  return http::Response{
      200, std::string(base::PrometheusText::kContentType), render_metrics(*snapshot), {}};
}

}  // namespace webvox::app
