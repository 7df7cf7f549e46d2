#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace webvox::base {

// One JSON text from the network, parsed without exceptions: nothing unless the whole of
// `text` is one JSON value. nlohmann's parser stops reading at a NUL byte and accepts what
// came before it ('{"j":{}}\0garbage' would pass); JSON never has a raw NUL (in strings it
// is escaped), so text holding one is refused here, for every parser of network input.
std::optional<nlohmann::json> parse_json_text(std::string_view text);

}  // namespace webvox::base
