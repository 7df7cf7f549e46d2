#include "base/prometheus_text.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace webvox::base {
namespace {

bool name_start(char c, bool colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
}
bool name_char(char c, bool colon) { return name_start(c, colon) || (c >= '0' && c <= '9'); }

bool valid_name(std::string_view name, bool colon) {
  if (name.empty() || !name_start(name.front(), colon)) return false;
  for (const char c : name) {
    if (!name_char(c, colon)) return false;
  }
  return true;
}

std::string_view type_name(PrometheusText::Type type) {
  switch (type) {
    case PrometheusText::Type::Counter:
      return "counter";
    case PrometheusText::Type::Gauge:
      return "gauge";
    case PrometheusText::Type::Histogram:
      return "histogram";
  }
  return "untyped";
}

void append_escaped(std::string& out, std::string_view text, bool quote) {
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

}  // namespace

bool PrometheusText::valid_metric_name(std::string_view name) { return valid_name(name, true); }

bool PrometheusText::valid_label_name(std::string_view name) {
  // Names starting with __ are reserved for Prometheus itself.
  return valid_name(name, false) && !name.starts_with("__");
}

std::string PrometheusText::format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (error != std::errc()) return "NaN";
  return std::string(buffer, end);
}

void PrometheusText::family(std::string_view name, Type type, std::string_view help) {
  if (!valid_metric_name(name)) {
    throw std::invalid_argument("prometheus: bad metric name " + std::string(name));
  }
  family_ = name;
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  append_escaped(out_, help, false);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type_name(type);
  out_ += '\n';
}

void PrometheusText::write_sample(std::string_view name, const Labels& labels,
                                  std::string_view extra_label, std::string_view extra_value,
                                  std::string_view value) {
  if (!valid_metric_name(name) || !name.starts_with(family_) || family_.empty()) {
    throw std::invalid_argument("prometheus: sample " + std::string(name) + " outside family " +
                                family_);
  }
  out_ += name;
  if (!labels.empty() || !extra_label.empty()) {
    out_ += '{';
    bool first = true;
    auto label = [&](std::string_view key, std::string_view text) {
      if (!valid_label_name(key)) {
        throw std::invalid_argument("prometheus: bad label name " + std::string(key));
      }
      if (!first) out_ += ',';
      first = false;
      out_ += key;
      out_ += "=\"";
      append_escaped(out_, text, true);
      out_ += '"';
    };
    for (const auto& [key, text] : labels) label(key, text);
    if (!extra_label.empty()) label(extra_label, extra_value);
    out_ += '}';
  }
  out_ += ' ';
  out_ += value;
  out_ += '\n';
}

void PrometheusText::sample(std::string_view name, const Labels& labels, double value) {
  write_sample(name, labels, {}, {}, format_value(value));
}

void PrometheusText::sample(std::string_view name, const Labels& labels, std::uint64_t value) {
  write_sample(name, labels, {}, {}, std::to_string(value));
}

void PrometheusText::counter(std::string_view name, std::string_view help, std::uint64_t value) {
  family(name, Type::Counter, help);
  sample(name, {}, value);
}

void PrometheusText::gauge(std::string_view name, std::string_view help, double value) {
  family(name, Type::Gauge, help);
  sample(name, {}, value);
}

void PrometheusText::histogram(std::string_view name, const Labels& labels,
                               std::span<const double> upper_bounds,
                               std::span<const std::uint64_t> bucket_counts, double sum) {
  if (bucket_counts.size() != upper_bounds.size() + 1) {
    throw std::invalid_argument("prometheus: histogram " + std::string(name) +
                                " needs one count per bound and one for +Inf");
  }
  for (std::size_t i = 1; i < upper_bounds.size(); ++i) {
    if (!(upper_bounds[i - 1] < upper_bounds[i])) {
      throw std::invalid_argument("prometheus: histogram " + std::string(name) +
                                  " bounds must ascend");
    }
  }
  const std::string bucket = std::string(name) + "_bucket";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bucket_counts.size(); ++i) {
    cumulative += bucket_counts[i];
    const auto le = i < upper_bounds.size() ? format_value(upper_bounds[i]) : std::string("+Inf");
    write_sample(bucket, labels, "le", le, std::to_string(cumulative));
  }
  write_sample(std::string(name) + "_sum", labels, {}, {}, format_value(sum));
  write_sample(std::string(name) + "_count", labels, {}, {}, std::to_string(cumulative));
}

}  // namespace webvox::base
