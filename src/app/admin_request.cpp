#include "app/admin_request.hpp"

#include <nlohmann/json.hpp>

#include "base/query_string.hpp"

namespace webvox::app {
namespace {

using nlohmann::json;
using Outcome = base::Expected<AdminRequest, AdminRequestError>;

Outcome refuse(unsigned status, std::string reason) {
  return base::unexpected(AdminRequestError{status, std::move(reason)});
}

// The body as a JSON object; an empty body is an empty object.
std::optional<json> body_object(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return json::object();
  auto parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
  return parsed;
}

std::optional<std::string> text_field(const json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  auto text = it->get<std::string>();
  if (text.empty() || text.size() > kMaxAdminFieldBytes) return std::nullopt;
  return text;
}

}  // namespace

std::optional<Outcome> parse_admin_request(std::string_view method, std::string_view target,
                                           std::string_view body) {
  const auto path = target.substr(0, target.find('?'));
  if (!path.starts_with(kAdminChannelsPath)) return std::nullopt;
  auto rest = path.substr(kAdminChannelsPath.size());
  if (!rest.empty() && rest.front() != '/') return std::nullopt;  // "/admin/channelsfoo"
  if (!rest.empty()) rest.remove_prefix(1);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);

  AdminRequest request;
  if (rest.empty()) {
    if (method != "GET") return refuse(405, "use GET");
    return request;
  }
  const auto slash = rest.find('/');
  const auto encoded_uri = rest.substr(0, slash);
  const auto verb = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  request.channel_uri = base::percent_decode(encoded_uri, false);
  if (request.channel_uri.empty() || request.channel_uri.size() > kMaxAdminFieldBytes) {
    return refuse(404, "no such channel");
  }
  if (verb.empty()) {
    if (method != "GET") return refuse(405, "use GET");
    request.action = AdminAction::ShowChannel;
    return request;
  }
  if (verb == "kick") {
    request.action = AdminAction::Kick;
  } else if (verb == "mute") {
    request.action = AdminAction::Mute;
  } else if (verb == "close") {
    request.action = AdminAction::Close;
  } else {
    return refuse(404, "no such admin action; use kick, mute or close");
  }
  if (method != "POST") return refuse(405, "use POST");
  if (body.size() > kMaxAdminBodyBytes) return refuse(413, "request body too large");
  const auto object = body_object(body);
  if (!object) return refuse(400, "body must be a JSON object");
  if (request.action == AdminAction::Close) return request;
  const auto account = text_field(*object, "account");
  if (!account) return refuse(400, "body must name the member's account: {\"account\": \"…\"}");
  request.account = *account;
  if (request.action == AdminAction::Mute) {
    const auto muted = object->find("muted");
    if (muted != object->end()) {
      if (!muted->is_boolean()) return refuse(400, "muted must be true or false");
      request.muted = muted->get<bool>();
    }
  }
  return request;
}

}  // namespace webvox::app
