#pragma once

#include <cstdint>
#include <string>

#include "app/media_host.hpp"
#include "app/sfu_service.hpp"
#include "app/viewer_service.hpp"
#include "app/vivox_call_metrics.hpp"
#include "http/http_server.hpp"
#include "signalling/signalling_hub.hpp"

namespace webvox::app {

// Everything GET /metrics reports, gathered from the threads that own it (see
// OperationsEndpoints). A part the server does not run (no media port in a mesh-only
// configuration) stays at its zero values, so every series exists in every configuration.
struct MetricsSnapshot {
  std::string version;
  double start_time_seconds = 0;  // Unix time
  http::ServerStats http;
  signalling::SignallingHub::Census census;
  MediaHost::Stats media;
  SfuService::Stats sfu;
  ViewerService::Stats viewers;
  VivoxCallMetrics::Snapshot vivox;
  struct SignInFailures {
    std::uint64_t admin_http_refused = 0, admin_http_throttled = 0;
    std::uint64_t hello_password_refused = 0, hello_throttled = 0, hello_token_refused = 0;
  } sign_in;
};

// The snapshot in the Prometheus text format (docs/metrics.md lists every name). Pure.
std::string render_metrics(const MetricsSnapshot& snapshot);

}  // namespace webvox::app
