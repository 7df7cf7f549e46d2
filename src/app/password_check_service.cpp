#include "app/password_check_service.hpp"

#include <spdlog/spdlog.h>

#include "base/log_text.hpp"

namespace webvox::app {

using signalling::PasswordVerdict;

PasswordCheckService::PasswordCheckService(core::AccountService& accounts,
                                           core::CredentialThrottle& throttle, Post post,
                                           Clocks clocks, Settings settings)
    : accounts_(accounts),
      throttle_(throttle),
      post_(std::move(post)),
      clocks_(std::move(clocks)),
      pool_(settings.threads, settings.queue_capacity) {}

std::string PasswordCheckService::throttle_account(std::string_view account) {
  if (!core::AccountService::is_valid_name(account)) return "not an account name";
  return std::string(account);
}

std::optional<PasswordVerdict> PasswordCheckService::check(signalling::PasswordAttempt attempt,
                                                           Done done) {
  const auto now = clocks_.monotonic();
  auto account_key = throttle_account(attempt.account);
  const auto admission = throttle_.admit(attempt.source, account_key, now);
  if (!admission.allowed()) {
    if (admission.decision != core::CredentialThrottle::Decision::SourceBusy) {
      throttled_.fetch_add(1, std::memory_order_relaxed);
    }
    if (const auto left_out = throttled_log_.take(now)) {
      spdlog::warn("hello from {} not checked: {}; try again in {} s{}", attempt.source,
                   core::describe(admission.decision), admission.retry_after.count(),
                   base::left_out_note(*left_out));
    }
    // Several residents behind one address signing in at once is no attack: they retry.
    const auto outcome = admission.decision == core::CredentialThrottle::Decision::SourceBusy
                             ? PasswordVerdict::Outcome::Busy
                             : PasswordVerdict::Outcome::Throttled;
    return PasswordVerdict{outcome, admission.retry_after};
  }
  const auto source = attempt.source;
  const bool queued = pool_.try_post([this, attempt = std::move(attempt), account_key,
                                      done = std::move(done)] { run(attempt, account_key, done); });
  if (queued) return std::nullopt;
  throttle_.abandoned(source);
  if (const auto left_out = throttled_log_.take(now)) {
    spdlog::warn("hello from {} answered busy: {} password checks wait already{}", source,
                 pool_.capacity(), base::left_out_note(*left_out));
  }
  return PasswordVerdict{PasswordVerdict::Outcome::Busy, std::chrono::seconds(1)};
}

void PasswordCheckService::run(const signalling::PasswordAttempt& attempt,
                               const std::string& account_key, const Done& done) {
  PasswordVerdict verdict{PasswordVerdict::Outcome::Refused, {}};
  bool accepted = false;
  try {
    accepted = accounts_.verify_password(attempt.account, attempt.password);
  } catch (const std::exception& e) {
    throttle_.abandoned(attempt.source);
    spdlog::error("password check failed: {}", base::log_text(e.what()));
    verdict = {PasswordVerdict::Outcome::Busy, std::chrono::seconds(1)};
    post_([done, verdict, session = clocks_.session] { done(verdict, session()); });
    return;
  }
  const auto now = clocks_.monotonic();
  if (accepted) {
    throttle_.succeeded(attempt.source, account_key, now);
    verdict.outcome = PasswordVerdict::Outcome::Accepted;
  } else {
    password_refused_.fetch_add(1, std::memory_order_relaxed);
    log_refused(attempt, throttle_.failed(attempt.source, account_key, now), now);
  }
  post_([done, verdict, session = clocks_.session] { done(verdict, session()); });
}

void PasswordCheckService::log_refused(const signalling::PasswordAttempt& attempt,
                                       const core::CredentialThrottle::FailureEffect& effect,
                                       core::MonotonicTime now) {
  const auto left_out = refused_log_.take(now);
  if (!left_out) return;
  // An account name is logged only if it is one: anything else may be a password.
  bool known = false;
  try {
    known = accounts_.exists(attempt.account);
  } catch (const std::exception&) {
    // The log line says less; the answer is already decided.
  }
  const auto who = known ? "wrong password for account " + base::log_text(attempt.account)
                         : "no such account " + base::log_withheld(attempt.account);
  spdlog::warn("hello from {} refused: {}; {}{}", attempt.source, who, core::describe(effect),
               base::left_out_note(*left_out));
}

void PasswordCheckService::token_refused(std::string_view source, std::string_view reason) {
  token_refused_.fetch_add(1, std::memory_order_relaxed);
  const auto now = clocks_.monotonic();
  if (const auto left_out = refused_log_.take(now)) {
    spdlog::warn("hello from {} refused: {}{}", source, reason, base::left_out_note(*left_out));
  }
}

}  // namespace webvox::app
