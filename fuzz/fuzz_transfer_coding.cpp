// Transfer-Encoding values straight off the network (one field per line): classifying must
// never crash, several fields must mean the same as one field with their values joined by
// commas (RFC 9110 §5.3), and "chunked" is reported only for a list that ends in it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_checks.hpp"
#include "http/transfer_coding.hpp"

using webvox::http::classify_transfer_coding;
using webvox::http::TransferCoding;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string_view> fields;
  for (std::size_t start = 0; start <= input.size();) {
    const auto end = input.find('\n', start);
    fields.push_back(
        input.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  const auto verdict = classify_transfer_coding(fields);
  std::string joined;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) joined += ", ";
    joined += fields[i];
  }
  const std::vector<std::string_view> one{joined};
  WEBVOX_FUZZ_CHECK(classify_transfer_coding(one) == verdict, input);
  if (verdict == TransferCoding::kChunked) {
    auto last = joined.find_last_not_of(" \t,");
    WEBVOX_FUZZ_CHECK(last != std::string::npos && last >= 6, input);
    std::string tail = joined.substr(last - 6, 7);
    for (auto& c : tail) c = static_cast<char>(c | 0x20);
    WEBVOX_FUZZ_CHECK(tail == "chunked", input);
  }
  return 0;
}
