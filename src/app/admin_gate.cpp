#include "app/admin_gate.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "app/source_key.hpp"
#include "base/log_text.hpp"
#include "base/secure_random.hpp"

namespace webvox::app {
namespace {

// "Basic base64(user:password)" -> user, password.
std::optional<std::pair<std::string, std::string>> basic_credentials(std::string_view header) {
  constexpr std::string_view kScheme = "Basic ";
  if (!header.starts_with(kScheme)) return std::nullopt;
  try {
    const auto raw = base::base64_decode(header.substr(kScheme.size()));
    const std::string text(raw.begin(), raw.end());
    const auto colon = text.find(':');
    if (colon == std::string::npos) return std::nullopt;
    return std::pair{text.substr(0, colon), text.substr(colon + 1)};
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
}

}  // namespace

http::Response admin_error(unsigned status, std::string_view reason) {
  const nlohmann::json body = {{"error", reason}};
  http::Response response{status,
                          "application/json",
                          body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                          {}};
  if (status == 401) response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"webvox\"");
  return response;
}

AdminGate::AdminGate(core::AdminAuth& admin, std::function<core::MonotonicTime()> monotonic_now)
    : admin_(admin), monotonic_now_(std::move(monotonic_now)) {}

std::optional<http::Response> AdminGate::refuse(const http::Request& request,
                                                std::string_view what) {
  // Missing or malformed credentials are checked (and counted) as an empty user and password.
  const auto credentials =
      basic_credentials(request.authorization).value_or(std::pair<std::string, std::string>{});
  const auto source = source_key(request.peer_address);
  const auto now = monotonic_now_();
  const auto check = admin_.check_credentials(credentials.first, credentials.second, {source, now});
  if (check.verdict == core::CredentialVerdict::Throttled) {
    throttled_.fetch_add(1, std::memory_order_relaxed);
    const auto wait = std::to_string(check.admission.retry_after.count());
    auto response = admin_error(429, "too many failed sign-ins; try again in " + wait + " s");
    response.headers.emplace_back("Retry-After", wait);
    return response;
  }
  if (check.verdict == core::CredentialVerdict::Refused) {
    refused_.fetch_add(1, std::memory_order_relaxed);
    if (const auto left_out = refused_log_.take(now)) {
      spdlog::warn("{} from {} with bad admin credentials ({}); {}{}", what, source,
                   admin_.is_admin_user(credentials.first)
                       ? "wrong password"
                       : "user is not the admin user " + base::log_withheld(credentials.first),
                   core::describe(check.effect), base::left_out_note(*left_out));
    }
    return admin_error(401, "admin credentials required");
  }
  return std::nullopt;
}

}  // namespace webvox::app
