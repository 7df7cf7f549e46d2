// The Prometheus text format as the writer produces it: HELP/TYPE lines, samples, escaping,
// histograms, and the names it refuses.
#include "base/prometheus_text.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>

using webvox::base::PrometheusText;

TEST(PrometheusText, ACounterHasItsHelpAndTypeBeforeItsSample) {
  PrometheusText text;
  text.counter("webvox_sign_in_failures_total", "Refused sign-ins.", 3);
  EXPECT_EQ(text.text(),
            "# HELP webvox_sign_in_failures_total Refused sign-ins.\n"
            "# TYPE webvox_sign_in_failures_total counter\n"
            "webvox_sign_in_failures_total 3\n");
}

TEST(PrometheusText, LabelledSamplesOfOneFamily) {
  PrometheusText text;
  text.family("webvox_media_dropped_packets_total", PrometheusText::Type::Counter,
              "Dropped packets, by reason.");
  text.sample("webvox_media_dropped_packets_total", {{"reason", "srtp_replayed"}},
              std::uint64_t{2});
  text.sample("webvox_media_dropped_packets_total",
              {{"reason", "srtp_auth_failed"}, {"layer", "transport"}}, std::uint64_t{0});
  EXPECT_EQ(text.text(),
            "# HELP webvox_media_dropped_packets_total Dropped packets, by reason.\n"
            "# TYPE webvox_media_dropped_packets_total counter\n"
            "webvox_media_dropped_packets_total{reason=\"srtp_replayed\"} 2\n"
            "webvox_media_dropped_packets_total{reason=\"srtp_auth_failed\",layer=\"transport\"} "
            "0\n");
}

TEST(PrometheusText, LabelValuesAndHelpAreEscaped) {
  PrometheusText text;
  text.family("webvox_x", PrometheusText::Type::Gauge, "a \\ b\nc \"q\"");
  text.sample("webvox_x", {{"path", "a\\b\"c\nd"}}, 1.0);
  EXPECT_EQ(text.text(),
            "# HELP webvox_x a \\\\ b\\nc \"q\"\n"
            "# TYPE webvox_x gauge\n"
            "webvox_x{path=\"a\\\\b\\\"c\\nd\"} 1\n");
}

TEST(PrometheusText, ValuesAreWrittenAsTheFormatReadsThem) {
  EXPECT_EQ(PrometheusText::format_value(0.0), "0");
  EXPECT_EQ(PrometheusText::format_value(42.0), "42");
  EXPECT_EQ(PrometheusText::format_value(0.005), "0.005");
  EXPECT_EQ(PrometheusText::format_value(1.5e-7), "1.5e-07");
  EXPECT_EQ(PrometheusText::format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(PrometheusText::format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(PrometheusText::format_value(std::nan("")), "NaN");
}

TEST(PrometheusText, AHistogramIsCumulativeWithInfSumAndCount) {
  PrometheusText text;
  text.family("webvox_request_duration_seconds", PrometheusText::Type::Histogram, "Latency.");
  const std::array<double, 3> bounds{0.001, 0.01, 0.1};
  const std::array<std::uint64_t, 4> counts{1, 2, 0, 4};
  text.histogram("webvox_request_duration_seconds", {{"endpoint", "signin"}}, bounds, counts, 1.25);
  EXPECT_EQ(text.text(),
            "# HELP webvox_request_duration_seconds Latency.\n"
            "# TYPE webvox_request_duration_seconds histogram\n"
            "webvox_request_duration_seconds_bucket{endpoint=\"signin\",le=\"0.001\"} 1\n"
            "webvox_request_duration_seconds_bucket{endpoint=\"signin\",le=\"0.01\"} 3\n"
            "webvox_request_duration_seconds_bucket{endpoint=\"signin\",le=\"0.1\"} 3\n"
            "webvox_request_duration_seconds_bucket{endpoint=\"signin\",le=\"+Inf\"} 7\n"
            "webvox_request_duration_seconds_sum{endpoint=\"signin\"} 1.25\n"
            "webvox_request_duration_seconds_count{endpoint=\"signin\"} 7\n");
}

TEST(PrometheusText, HistogramsNeedOneCountPerBoundPlusInfAndAscendingBounds) {
  PrometheusText text;
  text.family("webvox_h_seconds", PrometheusText::Type::Histogram, "h");
  const std::array<double, 2> bounds{0.1, 0.2};
  const std::array<std::uint64_t, 2> too_few{1, 2};
  EXPECT_THROW(text.histogram("webvox_h_seconds", {}, bounds, too_few, 0), std::invalid_argument);
  const std::array<double, 2> descending{0.2, 0.1};
  const std::array<std::uint64_t, 3> counts{1, 2, 3};
  EXPECT_THROW(text.histogram("webvox_h_seconds", {}, descending, counts, 0),
               std::invalid_argument);
}

TEST(PrometheusText, BadNamesAreRefused) {
  EXPECT_TRUE(PrometheusText::valid_metric_name("webvox_a:b_total"));
  EXPECT_FALSE(PrometheusText::valid_metric_name("1webvox"));
  EXPECT_FALSE(PrometheusText::valid_metric_name("webvox-dash"));
  EXPECT_FALSE(PrometheusText::valid_metric_name(""));
  EXPECT_TRUE(PrometheusText::valid_label_name("reason"));
  EXPECT_FALSE(PrometheusText::valid_label_name("__reserved"));
  EXPECT_FALSE(PrometheusText::valid_label_name("a:b"));
  PrometheusText text;
  EXPECT_THROW(text.family("bad name", PrometheusText::Type::Gauge, ""), std::invalid_argument);
  text.family("webvox_ok", PrometheusText::Type::Gauge, "");
  EXPECT_THROW(text.sample("webvox_ok", {{"bad-label", "x"}}, 1.0), std::invalid_argument);
  // A sample of another family than the one started.
  EXPECT_THROW(text.sample("webvox_other", {}, 1.0), std::invalid_argument);
}
