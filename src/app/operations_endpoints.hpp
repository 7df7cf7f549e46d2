#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "app/admin_gate.hpp"
#include "app/metrics_report.hpp"
#include "app/password_check_service.hpp"
#include "http/http_message.hpp"

namespace webvox::app {

// Where GET /metrics gathers from; a null pointer or empty function: that part is not run.
struct MetricsSources {
  std::string version;
  double start_time_seconds = 0;
  std::function<http::ServerStats()> http;
  signalling::SignallingHub* hub = nullptr;
  MediaHost* media = nullptr;
  SfuService* sfu = nullptr;  // on `media`'s thread
  ViewerService* viewers = nullptr;
  const VivoxCallMetrics* vivox = nullptr;
  const AdminGate* admin_gate = nullptr;
  const PasswordCheckService* password_checks = nullptr;
};

// What /readyz checks; each returns nothing when all is well, else the reason.
struct ReadinessChecks {
  std::function<std::optional<std::string>()> store;  // the database takes writes
  std::function<std::optional<std::string>()> media;  // the media thread ticks
};

// The operator's endpoints: GET /metrics (Prometheus text; behind the admin's HTTP Basic
// credentials unless `metrics_public`), GET /healthz (the process answers: 200 "ok") and
// GET /readyz (200 "ready", or 503 with the reason: the store cannot take a write, the media
// thread stopped ticking), both without credentials. Called on the HTTP threads; the media
// thread's counters are read on that thread (a task posted to it, waited for up to
// kMediaWait), so nothing there needs a lock.
class OperationsEndpoints {
 public:
  static constexpr std::chrono::seconds kMediaWait{2};

  OperationsEndpoints(MetricsSources sources, ReadinessChecks readiness, AdminGate* gate,
                      bool metrics_public)
      : sources_(std::move(sources)),
        readiness_(std::move(readiness)),
        gate_(gate),
        metrics_public_(metrics_public) {}

  // The answer when the request is for one of its paths; nothing otherwise.
  std::optional<http::Response> serve(const http::Request& request);

  // Every part gathered now; nothing when the media thread did not answer in time.
  std::optional<MetricsSnapshot> gather() const;
  // Nothing when ready; else why not.
  std::optional<std::string> not_ready() const;

 private:
  MetricsSources sources_;
  ReadinessChecks readiness_;
  AdminGate* gate_;
  bool metrics_public_;
};

}  // namespace webvox::app
