#include "http/transfer_coding.hpp"

#include <algorithm>
#include <cctype>

namespace webvox::http {
namespace {

bool is_tchar(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (std::isalnum(byte)) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

enum class Coding { kChunked, kIdentity, kOther, kBad };

// One list element: a token, optionally followed by parameters (";" ...), which neither
// coding this server knows takes.
Coding classify_element(std::string_view element) {
  const auto semicolon = element.find(';');
  const auto name = trim(element.substr(0, semicolon));
  if (name.empty() || !std::all_of(name.begin(), name.end(), is_tchar)) return Coding::kBad;
  if (semicolon != std::string_view::npos) return Coding::kOther;
  if (iequals(name, "chunked")) return Coding::kChunked;
  if (iequals(name, "identity")) return Coding::kIdentity;
  return Coding::kOther;
}

}  // namespace

TransferCoding classify_transfer_coding(std::span<const std::string_view> values) {
  if (values.empty()) return TransferCoding::kAbsent;
  std::size_t elements = 0;
  std::size_t chunked = 0;
  bool chunked_last = false;
  bool unknown = false;
  for (const auto value : values) {
    std::size_t start = 0;
    while (start <= value.size()) {
      const auto comma = value.find(',', start);
      const auto element = trim(value.substr(
          start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
      start = comma == std::string_view::npos ? value.size() + 1 : comma + 1;
      if (element.empty()) continue;
      ++elements;
      const auto coding = classify_element(element);
      if (coding == Coding::kBad) return TransferCoding::kMalformed;
      chunked_last = coding == Coding::kChunked;
      chunked += chunked_last ? 1 : 0;
      unknown = unknown || coding == Coding::kOther;
    }
  }
  if (elements == 0) return TransferCoding::kMalformed;
  if (unknown) return TransferCoding::kUnsupported;
  if (chunked != 1 || !chunked_last) return TransferCoding::kMalformed;
  return TransferCoding::kChunked;
}

}  // namespace webvox::http
