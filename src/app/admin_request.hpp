#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/expected.hpp"

namespace webvox::app {

// What the grid's operator asks of the channel admin API (docs/admin.md):
//   GET  /admin/channels                    every channel with members, and viewer-only rooms
//   GET  /admin/channels/{uri}              one channel
//   POST /admin/channels/{uri}/kick         {"account": "…"}
//   POST /admin/channels/{uri}/mute         {"account": "…", "muted": true|false}
//   POST /admin/channels/{uri}/close        no body, or {}
// {uri} is the channel's URI, percent-encoded ("sip%3Aconfctl-1001%40realm"; the plain form
// also works, a channel URI has no '/').
enum class AdminAction { ListChannels, ShowChannel, Kick, Mute, Close };

struct AdminRequest {
  AdminAction action = AdminAction::ListChannels;
  std::string channel_uri;  // every action but ListChannels
  std::string account;      // Kick, Mute
  bool muted = true;        // Mute
};

struct AdminRequestError {
  unsigned http_status;  // 400 bad body, 404 no such path, 405 wrong method, 413 body too big
  std::string reason;
};

inline constexpr std::string_view kAdminChannelsPath = "/admin/channels";
// A request body is a few dozen bytes; anything over this is refused unread.
inline constexpr std::size_t kMaxAdminBodyBytes = 4096;
// Account names are at most 64 characters (AccountService); URIs are short too.
inline constexpr std::size_t kMaxAdminFieldBytes = 256;

// Nothing when `target` is not under /admin/channels; else the request or why it is refused.
// Pure: no I/O, never throws.
std::optional<base::Expected<AdminRequest, AdminRequestError>> parse_admin_request(
    std::string_view method, std::string_view target, std::string_view body);

}  // namespace webvox::app
