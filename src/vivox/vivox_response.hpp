#pragma once

#include <chrono>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/channel.hpp"
#include "vivox/vivox_error.hpp"

namespace webvox::vivox {

using Field = std::pair<std::string_view, std::string_view>;

// Builders for the XML bodies the module reads (spec §4, §5). Values never carry
// surrounding whitespace and every text is made XML-safe.

// <response><level0><status>OK</status><body>{fields}</body></level0></response>
std::string ok_response(std::initializer_list<Field> body_fields);
// <status>ERR</status> with body code and msg; `body_status` adds body/status (sign-in).
std::string error_response(ErrorCode code, std::string_view message,
                           std::string_view body_status = {});
// A sign-in refused unchecked after too many failures: like a failed sign-in (body/status
// "Failed", so the module logs it and signs in again before its next admin call), with code
// 429, the wait in the message and in body/retry_after (whole seconds).
std::string throttled_sign_in_response(std::chrono::seconds retry_after);
// Sign-in success: body/status "Ok" (mixed case, as the module compares) and the token.
std::string sign_in_response(std::string_view auth_token);
// level0/channel-search: count + channels/channels/level4 with all five fields, in order.
std::string channel_search_response(const std::vector<core::Channel>& channels,
                                    std::string_view realm);

// What a response built here says, as a short name for metrics: "ok", or the error code's
// name ("not_authorized", "too_many_attempts", …; "error" for a code it does not know).
// Reads only the <status> and the first <code> the builders above write.
std::string_view response_result(std::string_view response);
std::string_view error_code_name(ErrorCode code);

// What search reports as <type>: "positional_M", "channel" or "dir".
std::string_view search_type_name(core::ChannelType type);

}  // namespace webvox::vivox
