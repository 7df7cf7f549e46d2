#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/credential_throttle.hpp"
#include "base/query_string.hpp"

namespace webvox::vivox {

// One call of the Vivox account-management API, e.g. script "viv_chan_search.php".
struct VivoxRequest {
  std::string script;
  base::Parameters parameters;
  // Set by the HTTP edge for the sign-in throttle: the client's source key
  // (app::source_key) and when the request arrived.
  std::string source;
  core::MonotonicTime received{};
};

// Parses an HTTP request into a Vivox call if its path is ".../api2/{script}". Any prefix
// before "api2" is accepted (vivox_server may be "host/prefix") and repeated slashes are
// folded (the viewer's URL and FreeSWITCH's differ in their trailing slash). Parameters come
// from the query string and, for a form POST, from the body too (query first).
std::optional<VivoxRequest> parse_vivox_request(std::string_view target, std::string_view body,
                                                bool body_is_form);

}  // namespace webvox::vivox
