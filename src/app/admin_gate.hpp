#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/admin_auth.hpp"
#include "base/log_budget.hpp"
#include "http/http_message.hpp"

namespace webvox::app {

// The door of every admin HTTP endpoint: HTTP Basic admin credentials, checked through the
// admin sign-in throttle (too many failures: 429 with Retry-After, unchecked), refusals
// logged within a budget. JSON error bodies: {"error": "…"}.
class AdminGate {
 public:
  AdminGate(core::AdminAuth& admin, std::function<core::MonotonicTime()> monotonic_now);

  // Nothing when the request carries the admin's credentials; else the answer to give it.
  // `what` names the endpoint in the log ("join token request").
  std::optional<http::Response> refuse(const http::Request& request, std::string_view what);

  // Requests turned away since start: bad or missing credentials (401), not checked because
  // of too many failures (429). Any thread.
  std::uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }
  std::uint64_t throttled() const { return throttled_.load(std::memory_order_relaxed); }

 private:
  core::AdminAuth& admin_;
  std::function<core::MonotonicTime()> monotonic_now_;
  base::LogBudget refused_log_{5, 20};
  std::atomic<std::uint64_t> refused_{0}, throttled_{0};
};

// {"error": reason} with this status (and WWW-Authenticate on 401).
http::Response admin_error(unsigned status, std::string_view reason);

}  // namespace webvox::app
