// What the grid operator's tools post to /admin/channels… (docs/admin.md), straight off the
// network (behind the admin credentials, but the parser must not trust them): it must never
// throw or crash, and whatever it accepts must be within the API's bounds. The input is split
// into method, target and body at the first two newlines.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "app/admin_request.hpp"
#include "fuzz_checks.hpp"

using namespace webvox;
using webvox::fuzz::fail;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto first = input.find('\n');
  if (first == std::string_view::npos) return 0;
  const auto second = input.find('\n', first + 1);
  if (second == std::string_view::npos) return 0;
  const auto method = input.substr(0, first);
  const auto target = input.substr(first + 1, second - first - 1);
  const auto body = input.substr(second + 1);

  const auto parsed = app::parse_admin_request(method, target, body);
  if (!parsed) {
    if (target.starts_with("/admin/channels/") || target == "/admin/channels") {
      fail("a path under /admin/channels was not taken", input);
    }
    return 0;
  }
  if (!*parsed) {
    const auto status = parsed->error().http_status;
    if (status != 400 && status != 404 && status != 405 && status != 413) {
      fail("refused with a status the API does not use", input);
    }
    if (parsed->error().reason.empty()) fail("refused without a reason", input);
    return 0;
  }
  const auto& request = **parsed;
  using app::AdminAction;
  const bool get =
      request.action == AdminAction::ListChannels || request.action == AdminAction::ShowChannel;
  if (method != (get ? "GET" : "POST")) fail("accepted with the wrong method", input);
  if (!get && body.size() > app::kMaxAdminBodyBytes) fail("body over the bound accepted", input);
  if (request.action != AdminAction::ListChannels &&
      (request.channel_uri.empty() || request.channel_uri.size() > app::kMaxAdminFieldBytes)) {
    fail("channel URI outside its bounds", input);
  }
  if (request.action == AdminAction::Kick || request.action == AdminAction::Mute) {
    if (request.account.empty() || request.account.size() > app::kMaxAdminFieldBytes) {
      fail("account outside its bounds", input);
    }
  } else if (!request.account.empty()) {
    fail("account taken for an action that has none", input);
  }
  return 0;
}
