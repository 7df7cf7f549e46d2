#pragma once

#include <string>
#include <string_view>

namespace webvox::vivox {

// Makes arbitrary bytes safe as XML 1.0 character data: invalid UTF-8 becomes U+FFFD and
// characters XML forbids (most C0 controls, U+FFFE/U+FFFF) are dropped. The module's
// XmlTextReader rejects the whole response otherwise.
std::string xml_safe_text(std::string_view bytes);

}  // namespace webvox::vivox
