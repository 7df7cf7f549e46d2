// Fuzzes xml_safe_text (vivox/xml_text.hpp), which stands between request bytes and every
// XML response: the module's XmlTextReader rejects a whole response over one bad byte.
// Checks: the output is strict UTF-8 made only of XML 1.0 characters; text that already is
// comes back unchanged (so the function is idempotent); it grows at most 3x (one U+FFFD
// replacement per bad byte); and pugixml, as the response builder uses it, writes it into
// an element (and an attribute) that parses back to exactly the same text.
// Also core::truncate_utf8, which cuts channel descriptions to a byte limit.
#include <pugixml.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/channel_service.hpp"
#include "fuzz_checks.hpp"
#include "vivox/xml_text.hpp"

namespace {

using namespace webvox;

struct StringWriter final : pugi::xml_writer {
  std::string out;
  void write(const void* data, std::size_t size) override {
    out.append(static_cast<const char*>(data), size);
  }
};

void check_round_trip(const std::string& text) {
  pugi::xml_document doc;
  auto declaration = doc.append_child(pugi::node_declaration);
  declaration.append_attribute("version") = "1.0";
  declaration.append_attribute("encoding") = "UTF-8";
  auto element = doc.append_child("response").append_child("msg");
  element.append_child(pugi::node_pcdata).set_value(text.c_str());
  element.append_attribute("a") = text.c_str();
  StringWriter writer;
  doc.save(writer, "", pugi::format_raw, pugi::encoding_utf8);
  // The whole document, markup included, must be XML-clean too.
  WEBVOX_FUZZ_CHECK(fuzz::is_valid_utf8(writer.out, true), writer.out);

  // Keep the text exactly: no end-of-line or attribute whitespace normalisation, and keep
  // whitespace-only text.
  constexpr unsigned kFlags = pugi::parse_escapes | pugi::parse_ws_pcdata | pugi::parse_declaration;
  pugi::xml_document parsed;
  const auto result =
      parsed.load_buffer(writer.out.data(), writer.out.size(), kFlags, pugi::encoding_utf8);
  WEBVOX_FUZZ_CHECK(result, writer.out);
  const auto root = parsed.document_element();
  WEBVOX_FUZZ_CHECK(std::string_view(root.name()) == "response", writer.out);
  const auto msg = root.child("msg");
  WEBVOX_FUZZ_CHECK(msg, writer.out);
  WEBVOX_FUZZ_CHECK(std::string_view(msg.text().get()) == text, writer.out);
  WEBVOX_FUZZ_CHECK(std::string_view(msg.attribute("a").value()) == text, writer.out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto safe = vivox::xml_safe_text(input);

  WEBVOX_FUZZ_CHECK(fuzz::is_valid_utf8(safe, true), safe);
  WEBVOX_FUZZ_CHECK(safe.find('\0') == std::string::npos, safe);
  WEBVOX_FUZZ_CHECK(safe.size() <= 3 * input.size(), input);
  if (fuzz::is_valid_utf8(input, true)) WEBVOX_FUZZ_CHECK(safe == input, input);
  WEBVOX_FUZZ_CHECK(vivox::xml_safe_text(safe) == safe, input);

  check_round_trip(safe);

  // truncate_utf8 (core/channel_service.hpp) cuts descriptions: a prefix, within the
  // limit, and never splitting a character of valid UTF-8.
  const bool valid = fuzz::is_valid_utf8(input, false);
  for (const std::size_t limit : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{3},
                                  size / 2, size > 0 ? size - 1 : 0, size, size + 1}) {
    const auto cut = core::truncate_utf8(input, limit);
    WEBVOX_FUZZ_CHECK(cut.size() <= limit || (cut.size() == size && size <= limit), input);
    WEBVOX_FUZZ_CHECK(input.starts_with(cut), input);
    if (valid) WEBVOX_FUZZ_CHECK(fuzz::is_valid_utf8(cut, false), input);
    // No more than one character (at most 3 bytes of a 4-byte one) is given up.
    if (valid && size > limit) WEBVOX_FUZZ_CHECK(limit - cut.size() <= 3, input);
  }
  return 0;
}
