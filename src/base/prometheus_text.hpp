#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace webvox::base {

// The Prometheus text exposition format (version 0.0.4), written: each metric family once,
// with its HELP and TYPE lines, then its samples. Names follow the conventions promtool checks
// (the caller picks them: a unit suffix such as _seconds or _bytes, _total on counters); label
// values are escaped (backslash, double quote, line feed), HELP text too (backslash, line
// feed). Pure: text in memory, no I/O. A name or label name that is not valid is a programming
// error and throws std::invalid_argument.
class PrometheusText {
 public:
  using Labels = std::vector<std::pair<std::string, std::string>>;
  enum class Type { Counter, Gauge, Histogram };

  // Starts a family: `# HELP name help` and `# TYPE name type`. Every sample after it (until
  // the next family) must belong to it.
  void family(std::string_view name, Type type, std::string_view help);
  // One sample of the current family: `name{labels} value`.
  void sample(std::string_view name, const Labels& labels, double value);
  void sample(std::string_view name, const Labels& labels, std::uint64_t value);

  // A family of one sample, without labels.
  void counter(std::string_view name, std::string_view help, std::uint64_t value);
  void gauge(std::string_view name, std::string_view help, double value);

  // The samples of one histogram series: `upper_bounds` (ascending, without +Inf) and the
  // count of observations in each bucket alone (not cumulative), one more than the bounds
  // for the +Inf bucket; written as cumulative `name_bucket{le=…}`, then `name_sum` and
  // `name_count`. Call family(name, Type::Histogram, …) first.
  void histogram(std::string_view name, const Labels& labels, std::span<const double> upper_bounds,
                 std::span<const std::uint64_t> bucket_counts, double sum);

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

  // The content type of the format, for the HTTP response.
  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

  static bool valid_metric_name(std::string_view name);
  static bool valid_label_name(std::string_view name);
  // A number as the format writes it: integers without a fraction, +Inf, -Inf, NaN, otherwise
  // the shortest text that reads back as the same double.
  static std::string format_value(double value);

 private:
  void write_sample(std::string_view name, const Labels& labels, std::string_view extra_label,
                    std::string_view extra_value, std::string_view value);

  std::string out_;
  std::string family_;
};

}  // namespace webvox::base
