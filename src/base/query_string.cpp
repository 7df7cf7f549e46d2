#include "base/query_string.hpp"

#include "base/hex_digit.hpp"

#include <algorithm>

namespace webvox::base {
namespace {

Parameters parse_pairs(std::string_view text, bool plus_is_space) {
  Parameters parameters;
  while (!text.empty()) {
    const auto amp = text.find('&');
    const auto pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    parameters.add(percent_decode(pair.substr(0, eq), plus_is_space),
                   percent_decode(pair.substr(eq + 1), plus_is_space));
  }
  return parameters;
}

}  // namespace

std::optional<std::string_view> Parameters::get(std::string_view key) const {
  const auto it = std::find_if(entries_.begin(), entries_.end(),
                               [key](const auto& entry) { return entry.first == key; });
  if (it == entries_.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::optional<std::string_view> Parameters::get_last(std::string_view key) const {
  const auto it = std::find_if(entries_.rbegin(), entries_.rend(),
                               [key](const auto& entry) { return entry.first == key; });
  if (it == entries_.rend()) return std::nullopt;
  return std::string_view(it->second);
}

void Parameters::add(std::string key, std::string value) {
  entries_.emplace_back(std::move(key), std::move(value));
}

void Parameters::merge(const Parameters& other) {
  for (const auto& [key, value] : other.entries_) {
    if (!get(key)) add(key, value);
  }
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int high = base::hex_digit_value(text[i + 1]);
      const int low = base::hex_digit_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

Parameters parse_query(std::string_view query) {
  return parse_pairs(query.substr(0, query.find('#')), false);
}

Parameters parse_form(std::string_view body) { return parse_pairs(body, true); }

}  // namespace webvox::base
