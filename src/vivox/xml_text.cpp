#include "vivox/xml_text.hpp"

#include "base/utf8.hpp"

namespace webvox::vivox {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

bool allowed_in_xml(char32_t cp) {
  if (cp < 0x20) return cp == 0x09 || cp == 0x0A || cp == 0x0D;
  if (cp >= 0xD800 && cp <= 0xDFFF) return false;
  return cp != 0xFFFE && cp != 0xFFFF && cp <= 0x10FFFF;
}

}  // namespace

std::string xml_safe_text(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  while (!bytes.empty()) {
    char32_t cp = 0;
    const std::size_t length = base::decode_utf8(bytes, cp);
    if (length == 0) {
      out += kReplacement;
      bytes.remove_prefix(1);
      continue;
    }
    if (allowed_in_xml(cp)) out.append(bytes.substr(0, length));
    bytes.remove_prefix(length);
  }
  return out;
}

}  // namespace webvox::vivox
