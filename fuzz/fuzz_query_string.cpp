// Fuzzes the query/form decoding (vivox/query_string.hpp) and the request parser on top of
// it (vivox/vivox_request.hpp) against a small reference model written from the spec (§3):
//   - percent_decode never grows its input, is the identity without '%' (and '+' when
//     plus_is_space), and undoes a full %XX encoding of any bytes;
//   - parse_query/parse_form split pairs at '&' and at the first '=', skip empty pairs and
//     pairs without '=' or with an empty key, keep every pair in order (get() answers the
//     first occurrence of a key, get_last() the last), and parse_query ignores everything
//     after '#';
//   - parse_vivox_request accepts exactly the targets whose last two non-empty path
//     segments are "api2/{script}" and merges in the form parameters whose keys the query
//     does not have.
// Input: the bytes are the text for the decoders; for parse_vivox_request they are split
// at the first '\n' into target and body.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_checks.hpp"
#include "base/query_string.hpp"
#include "vivox/vivox_request.hpp"

namespace {

using namespace webvox;
using fuzz::replace_all;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reference decoder: a '%' followed by two hex digits is one byte, anything else is itself.
std::string reference_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && text.size() - i >= 3 && hex_digit(text[i + 1]) >= 0 &&
        hex_digit(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_digit(text[i + 1]) * 16 + hex_digit(text[i + 2])));
      i += 2;
    } else {
      out.push_back(plus_is_space && text[i] == '+' ? ' ' : text[i]);
    }
  }
  return out;
}

std::string encode_every_byte(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    out += '%';
    out += kHex[byte >> 4];
    out += kHex[byte & 0xF];
  }
  return out;
}

// Reference pair splitting: every accepted pair, decoded, in order (duplicates kept).
using Pairs = std::vector<std::pair<std::string, std::string>>;
Pairs reference_pairs(std::string_view text, bool plus_is_space) {
  Pairs pairs;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('&', start);
    if (end == std::string_view::npos) end = text.size();
    const auto pair = text.substr(start, end - start);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && eq > 0) {
      pairs.emplace_back(reference_decode(pair.substr(0, eq), plus_is_space),
                         reference_decode(pair.substr(eq + 1), plus_is_space));
    }
    start = end + 1;
  }
  return pairs;
}

// Parameters::merge: adds each pair of `other` whose key is not present yet.
void reference_merge(Pairs& into, const Pairs& other) {
  for (const auto& pair : other) {
    const bool present = std::any_of(into.begin(), into.end(),
                                     [&](const auto& have) { return have.first == pair.first; });
    if (!present) into.push_back(pair);
  }
}

void check_against_model(const base::Parameters& parameters, const Pairs& model,
                         std::string_view input) {
  WEBVOX_FUZZ_CHECK(parameters.size() == model.size(), input);
  // An empty key is never accepted.
  WEBVOX_FUZZ_CHECK(!parameters.get("").has_value(), input);
  std::map<std::string_view, std::pair<std::string_view, std::string_view>> first_last;
  for (const auto& [key, value] : model) {
    auto [it, inserted] = first_last.try_emplace(key, value, value);
    if (!inserted) it->second.second = value;
  }
  for (const auto& [key, values] : first_last) {
    const auto first = parameters.get(key);
    WEBVOX_FUZZ_CHECK(first.has_value() && *first == values.first, key);
    const auto last = parameters.get_last(key);
    WEBVOX_FUZZ_CHECK(last.has_value() && *last == values.second, key);
  }
}

void check_decode(std::string_view text) {
  for (const bool plus_is_space : {false, true}) {
    const auto decoded = base::percent_decode(text, plus_is_space);
    WEBVOX_FUZZ_CHECK(decoded.size() <= text.size(), text);
    WEBVOX_FUZZ_CHECK(decoded == reference_decode(text, plus_is_space), text);
    if (text.find('%') == std::string_view::npos) {
      std::string expected(text);
      if (plus_is_space) replace_all(expected, "+", " ");
      WEBVOX_FUZZ_CHECK(decoded == expected, text);
    }
    WEBVOX_FUZZ_CHECK(base::percent_decode(encode_every_byte(text), plus_is_space) == text, text);
  }
  // '+' only ever maps to one byte, so both modes decode to the same length.
  WEBVOX_FUZZ_CHECK(
      base::percent_decode(text, false).size() == base::percent_decode(text, true).size(), text);
}

void check_request(std::string_view input) {
  const auto newline = input.find('\n');
  const auto target = input.substr(0, newline);
  const auto body =
      newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);
  const auto expected_script = webvox::fuzz::reference_api2_script(target);
  for (const bool form : {false, true}) {
    const auto request = vivox::parse_vivox_request(target, body, form);
    WEBVOX_FUZZ_CHECK(request.has_value() == expected_script.has_value(), target);
    if (!request) continue;
    WEBVOX_FUZZ_CHECK(request->script == *expected_script, target);
    // The query starts at the first '?' before any '#': a fragment is never sent.
    const auto question = target.find('?');
    Pairs model;
    if (question != std::string_view::npos && question < target.find('#')) {
      auto query = target.substr(question + 1);
      query = query.substr(0, query.find('#'));
      model = reference_pairs(query, false);
    }
    if (form) reference_merge(model, reference_pairs(body, true));
    check_against_model(request->parameters, model, input);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  check_decode(input);

  const auto query = base::parse_query(input);
  check_against_model(query, reference_pairs(input.substr(0, input.find('#')), false), input);
  const auto form = base::parse_form(input);
  check_against_model(form, reference_pairs(input, true), input);
  // Nothing after '#' ever counts.
  WEBVOX_FUZZ_CHECK(base::parse_query(std::string(input) + "#&x=1").size() == query.size(), input);

  check_request(input);
  return 0;
}
