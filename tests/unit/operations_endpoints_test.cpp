// /metrics, /healthz and /readyz without a server: who may read them, what they answer, and
// that the Vivox calls and sign-in failures they report move when calls are made.
#include "app/operations_endpoints.hpp"

#include <gtest/gtest.h>

#include "app/vivox_call_metrics.hpp"
#include "support/vivox_stack.hpp"

using namespace webvox;

namespace {

// webvoxd's Vivox stack (admin "opensim-admin", password "s3cret-Pass"), with the gate and
// the call metrics the endpoints read.
struct Fixture : test_support::VivoxStack {
  app::AdminGate gate{admin, [] { return std::chrono::steady_clock::now(); }};
  app::VivoxCallMetrics vivox_metrics;
  std::optional<std::string> store_problem;

  app::OperationsEndpoints endpoints(bool metrics_public) {
    app::MetricsSources sources;
    sources.version = "test";
    sources.vivox = &vivox_metrics;
    sources.admin_gate = &gate;
    return app::OperationsEndpoints(sources, {[this] { return store_problem; }, {}}, &gate,
                                    metrics_public);
  }
  static http::Request get(std::string target, std::string authorization = {}) {
    http::Request request;
    request.method = "GET";
    request.target = std::move(target);
    request.authorization = std::move(authorization);
    request.peer_address = "127.0.0.1";
    return request;
  }
};

// "opensim-admin:s3cret-Pass" in base64.
constexpr const char* kAdmin = "Basic b3BlbnNpbS1hZG1pbjpzM2NyZXQtUGFzcw==";

std::uint64_t sample(const std::string& text, const std::string& series) {
  const auto at = text.find("\n" + series + " ");
  if (at == std::string::npos) return ~std::uint64_t{0};
  return std::stoull(text.substr(at + series.size() + 2));
}

}  // namespace

TEST(OperationsEndpoints, HealthIsOkWithoutCredentials) {
  Fixture f;
  auto endpoints = f.endpoints(false);
  const auto response = endpoints.serve(Fixture::get("/healthz"));
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200u);
  EXPECT_EQ(response->body, "ok\n");
}

TEST(OperationsEndpoints, ReadinessNamesWhatIsWrong) {
  Fixture f;
  auto endpoints = f.endpoints(false);
  EXPECT_EQ(endpoints.serve(Fixture::get("/readyz"))->status, 200u);
  f.store_problem = "cannot start a write: disk I/O error";
  const auto response = endpoints.serve(Fixture::get("/readyz"));
  EXPECT_EQ(response->status, 503u);
  EXPECT_EQ(response->body, "not ready: store: cannot start a write: disk I/O error\n");
}

TEST(OperationsEndpoints, MetricsNeedTheAdminUnlessPublic) {
  Fixture f;
  auto guarded = f.endpoints(false);
  const auto refused = guarded.serve(Fixture::get("/metrics"));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 401u);
  const auto wrong = guarded.serve(Fixture::get("/metrics", "Basic YWRtaW46bm9wZQ=="));
  EXPECT_EQ(wrong->status, 401u);
  const auto allowed = guarded.serve(Fixture::get("/metrics", kAdmin));
  EXPECT_EQ(allowed->status, 200u);
  EXPECT_EQ(allowed->content_type, "text/plain; version=0.0.4; charset=utf-8");
  // The two refusals are admin HTTP sign-in failures.
  EXPECT_EQ(sample(allowed->body,
                   "webvox_sign_in_failures_total{door=\"admin_http\",reason=\"refused\"}"),
            2u);

  auto open = f.endpoints(true);
  EXPECT_EQ(open.serve(Fixture::get("/metrics"))->status, 200u);
}

TEST(OperationsEndpoints, OtherPathsAndMethodsAreNotTheirs) {
  Fixture f;
  auto endpoints = f.endpoints(true);
  EXPECT_FALSE(endpoints.serve(Fixture::get("/metricsx")));
  EXPECT_FALSE(endpoints.serve(Fixture::get("/")));
  auto post = Fixture::get("/metrics");
  post.method = "POST";
  EXPECT_EQ(endpoints.serve(post)->status, 405u);
}

TEST(OperationsEndpoints, VivoxCallsAndFailedSignInsShowInTheMetrics) {
  Fixture f;
  auto endpoints = f.endpoints(true);
  auto& routes = f.routes;
  routes.set_operations(&endpoints);
  routes.set_vivox_metrics(&f.vivox_metrics);
  routes.handle(Fixture::get("/api2/viv_signin.php?userid=opensim-admin&pwd=wrong"));
  routes.handle(Fixture::get("/api2/viv_signin.php?userid=opensim-admin&pwd=s3cret-Pass"));
  routes.handle(Fixture::get("/api2/viv_get_acct.php?auth_token=nope"));
  routes.handle(Fixture::get("/api2/no_such_call.php"));
  const auto text = routes.handle(Fixture::get("/metrics")).body;
  EXPECT_EQ(sample(text, "webvox_vivox_requests_total{endpoint=\"viv_signin.php\",result=\"ok\"}"),
            1u);
  EXPECT_EQ(sample(text,
                   "webvox_vivox_requests_total{endpoint=\"viv_signin.php\",result=\"not_"
                   "authorized\"}"),
            1u);
  EXPECT_EQ(sample(text,
                   "webvox_vivox_requests_total{endpoint=\"viv_get_acct.php\",result=\"not_"
                   "authorized\"}"),
            1u);
  EXPECT_EQ(sample(text,
                   "webvox_vivox_requests_total{endpoint=\"other\",result=\"missing_"
                   "parameter\"}"),
            1u);
  EXPECT_EQ(
      sample(text, "webvox_vivox_request_duration_seconds_count{endpoint=\"viv_signin.php\"}"), 2u);
  EXPECT_EQ(sample(text,
                   "webvox_vivox_request_duration_seconds_bucket{endpoint=\"viv_signin."
                   "php\",le=\"+Inf\"}"),
            2u);
  EXPECT_EQ(sample(text, "webvox_sign_in_failures_total{door=\"vivox_admin\",reason=\"refused\"}"),
            1u);
  // Every drop reason is there from the start, at zero, each on its own line.
  EXPECT_EQ(sample(text,
                   "webvox_media_dropped_packets_total{layer=\"transport\",reason=\"srtp_"
                   "replayed\"}"),
            0u);
  EXPECT_EQ(sample(text,
                   "webvox_media_dropped_packets_total{layer=\"transport\",reason=\"srtp_"
                   "auth_failed\"}"),
            0u);
  EXPECT_EQ(
      sample(text, "webvox_media_dropped_packets_total{layer=\"sfu\",reason=\"unknown_speaker\"}"),
      0u);
}

TEST(VivoxCallMetrics, CountsByEndpointAndResultAndBucketsTheTime) {
  app::VivoxCallMetrics metrics;
  metrics.record("viv_signin.php", "ok", std::chrono::microseconds(50));
  metrics.record("viv_signin.php", "ok", std::chrono::milliseconds(3));
  metrics.record("/etc/passwd", "missing_parameter", std::chrono::seconds(5));
  const auto snapshot = metrics.snapshot();
  EXPECT_EQ((snapshot.calls.at({"viv_signin.php", "ok"})), 2u);
  EXPECT_EQ((snapshot.calls.at({"other", "missing_parameter"})), 1u);
  const auto& signin = snapshot.latency.at("viv_signin.php");
  EXPECT_EQ(signin.buckets[0], 1u);  // ≤ 0.1 ms
  EXPECT_EQ(signin.buckets[5], 1u);  // ≤ 5 ms (0.0025 < 0.003 ≤ 0.005)
  EXPECT_NEAR(signin.sum_seconds, 0.00305, 1e-9);
  EXPECT_EQ(snapshot.latency.at("other").buckets.back(), 1u);  // +Inf
}

TEST(MetricsReport, EachDropReasonIsItsOwnSeries) {
  app::MetricsSnapshot snapshot;
  snapshot.media.transports.srtp_replayed = 3;
  snapshot.media.transports.srtp_auth_failed = 5;
  snapshot.media.udp.datagrams_unsent = 7;
  snapshot.sfu.forwarding.unknown_speaker = 11;
  snapshot.sfu.forwarding.malformed = 13;
  snapshot.sfu.forwarding.slot_duplicate = 17;
  const auto text = app::render_metrics(snapshot);
  const auto drop = [&](const char* layer, const char* reason) {
    return sample(text, std::string("webvox_media_dropped_packets_total{layer=\"") + layer +
                            "\",reason=\"" + reason + "\"}");
  };
  EXPECT_EQ(drop("transport", "srtp_replayed"), 3u);
  EXPECT_EQ(drop("transport", "srtp_auth_failed"), 5u);
  EXPECT_EQ(drop("udp", "sendmmsg_unsent"), 7u);
  EXPECT_EQ(drop("sfu", "unknown_speaker"), 11u);
  EXPECT_EQ(drop("sfu", "malformed"), 13u);
  EXPECT_EQ(drop("sfu", "slot_duplicate"), 17u);
  EXPECT_EQ(drop("transport", "late_dtls"), 0u);
}

TEST(MetricsReport, TheViewerMixDelayIsAHistogramInSeconds) {
  app::MetricsSnapshot snapshot;
  snapshot.viewers.mix_delay.add(std::chrono::microseconds(500));
  snapshot.viewers.mix_delay.add(std::chrono::milliseconds(150));
  const auto text = app::render_metrics(snapshot);
  EXPECT_EQ(sample(text, "webvox_viewer_mix_delay_seconds_bucket{le=\"0.001\"}"), 1u);
  EXPECT_EQ(sample(text, "webvox_viewer_mix_delay_seconds_bucket{le=\"0.15\"}"), 1u);
  EXPECT_EQ(sample(text, "webvox_viewer_mix_delay_seconds_bucket{le=\"0.199\"}"), 2u);
  EXPECT_EQ(sample(text, "webvox_viewer_mix_delay_seconds_bucket{le=\"+Inf\"}"), 2u);
  EXPECT_EQ(sample(text, "webvox_viewer_mix_delay_seconds_count"), 2u);
  const std::string sum = "\nwebvox_viewer_mix_delay_seconds_sum ";
  const auto at = text.find(sum);
  ASSERT_NE(at, std::string::npos);
  EXPECT_NEAR(std::stod(text.substr(at + sum.size())), 0.151, 1e-9);
}
