#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <pugixml.hpp>

namespace webvox::test_support {

// Reads a response the way VivoxVoiceModule does (XmlFind, VivoxVoiceModule.cs l.1323):
// the dotted path starts at the root element (which must be named like the first component),
// steps through child elements only, depth first in document order, and `nth` selects the
// nth matching *leaf* across the whole walk. The value is the element's InnerText.
class ModuleReader {
 public:
  explicit ModuleReader(std::string_view xml);

  bool parsed() const { return parsed_; }
  std::optional<std::string> find(std::string_view path, int nth = 0) const;
  std::string value(std::string_view path, int nth = 0) const {
    return find(path, nth).value_or("");
  }
  // IsOK: response.level0.status == "OK".
  bool is_ok() const { return value("response.level0.status") == "OK"; }
  int count_leaves(std::string_view path) const;

 private:
  pugi::xml_document doc_;
  bool parsed_ = false;
};

}  // namespace webvox::test_support
