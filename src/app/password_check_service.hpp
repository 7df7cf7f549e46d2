#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>

#include "app/worker_pool.hpp"
#include "core/account_service.hpp"
#include "core/credential_throttle.hpp"
#include "base/log_budget.hpp"
#include "signalling/password_checks.hpp"

namespace webvox::app {

// Checks signalling hello passwords (PBKDF2, ≈ 5 ms each) on a few worker threads instead of
// the network threads, and posts each answer back to a network thread:
// - the throttle is asked first (per source and per account back-off); a refused attempt is
//   answered at once, unchecked;
// - at most `queue_capacity` checks wait; beyond that the answer is Busy, at once;
// - an unknown account costs the same PBKDF2 as a known one (AccountService::verify_password);
// - refused and throttled hellos are logged, a few lines a second, without the password and
//   without an unknown account name (it may be a password typed into the wrong field).
class PasswordCheckService final : public signalling::PasswordChecks {
 public:
  struct Settings {
    std::size_t threads = WorkerPool::default_threads();
    std::size_t queue_capacity = 32;
  };
  struct Clocks {
    std::function<core::MonotonicTime()> monotonic;
    std::function<signalling::SessionClock()> session;
  };
  // Runs a task on a network thread (asio::post to the server's io_context).
  using Post = std::function<void(std::function<void()>)>;

  PasswordCheckService(core::AccountService& accounts, core::CredentialThrottle& throttle,
                       Post post, Clocks clocks, Settings settings);
  PasswordCheckService(core::AccountService& accounts, core::CredentialThrottle& throttle,
                       Post post, Clocks clocks)
      : PasswordCheckService(accounts, throttle, std::move(post), std::move(clocks), Settings{}) {}

  std::optional<signalling::PasswordVerdict> check(signalling::PasswordAttempt attempt,
                                                   Done done) override;
  void token_refused(std::string_view source, std::string_view reason) override;

  // The throttle's account key for a hello's account name: the name itself, or one shared key
  // for anything that cannot be an account name (so junk names cannot fill the table).
  static std::string throttle_account(std::string_view account);

  // Hellos refused since start: wrong password or no such account, not checked because the
  // throttle said so, a join token that was not valid. Any thread.
  struct Failures {
    std::uint64_t password_refused = 0, throttled = 0, token_refused = 0;
  };
  Failures failures() const {
    return {password_refused_.load(std::memory_order_relaxed),
            throttled_.load(std::memory_order_relaxed),
            token_refused_.load(std::memory_order_relaxed)};
  }

 private:
  void run(const signalling::PasswordAttempt& attempt, const std::string& account_key,
           const Done& done);
  void log_refused(const signalling::PasswordAttempt& attempt,
                   const core::CredentialThrottle::FailureEffect& effect, core::MonotonicTime now);

  core::AccountService& accounts_;
  core::CredentialThrottle& throttle_;
  Post post_;
  Clocks clocks_;
  base::LogBudget refused_log_{5, 20};
  base::LogBudget throttled_log_{1, 5};
  std::atomic<std::uint64_t> password_refused_{0}, throttled_{0}, token_refused_{0};
  // Last: destroyed first, so no job outlives what it uses.
  WorkerPool pool_;
};

}  // namespace webvox::app
