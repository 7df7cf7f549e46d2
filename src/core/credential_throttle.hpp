#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "base/lru_table.hpp"

namespace webvox::core {

using MonotonicTime = std::chrono::steady_clock::time_point;

// Slows down password guessing: admin sign-in (viv_signin.php, /admin/join-tokens) and voice
// account sign-in (signalling hello). Every credential check asks admit() first and reports
// its result; a refused attempt is answered at once, without checking anything.
//
// The rules (defaults in Rules; README "Password guessing" says the same):
// - Per source (an IP address; an IPv6 address by its /64, see app::source_key): the first
//   5 failures are free; each further failure blocks the source for 1 s, doubling per
//   failure (2, 4, 8, 16, 32 s) up to 60 s. A success clears the source; failures are
//   forgotten 15 minutes after the last one.
// - Per account (the admin account, or one voice account): the first 10 failures, from all
//   sources together, are free; each further one blocks the account for 1 s, doubling up to
//   60 s. The account is therefore usable again at most 60 s after its last failure, however
//   long the guessing went on. Its failures are forgotten 15 minutes after the last one; a
//   success does not clear them (the guesser has not stopped because someone else got in).
// - An account's block holds back the sources that have failed (within the 15 minutes). A
//   source that has not failed (a simulator with the right password, signing in from its own
//   address while someone guesses from elsewhere) waits on it at most 60 s from its first
//   refused attempt, then gets its attempt checked; so it is never kept out longer, even
//   while the guessing goes on.
// - At most 4 checks of one source are in flight at once (they run off the network
//   threads: without this a burst of parallel attempts would all pass before the first
//   failure counts).
// Memory is bounded: at most 65,536 sources and 65,536 accounts are remembered, the least
// recently seen forgotten first. Thread-safe; time is passed in.
class CredentialThrottle {
 public:
  struct Rules {
    unsigned source_free_failures = 5;
    unsigned account_free_failures = 10;
    std::chrono::milliseconds first_block{1'000};
    std::chrono::milliseconds max_block{60'000};
    std::chrono::milliseconds forget_after{15 * 60'000};
    std::chrono::milliseconds clean_source_max_wait{60'000};
    unsigned max_in_flight_per_source = 4;
    std::size_t max_sources = 65'536;
    std::size_t max_accounts = 65'536;
  };

  enum class Decision {
    Allowed,
    SourceBlocked,   // this source failed too often
    AccountBlocked,  // this account failed too often
    SourceBusy,      // this source has the most checks in flight already
  };
  struct Admission {
    Decision decision = Decision::Allowed;
    // When refused: how long until the attempt may succeed, rounded up to whole seconds (≥ 1).
    std::chrono::seconds retry_after{0};
    bool allowed() const { return decision == Decision::Allowed; }
  };
  // What a failure did, for the log.
  struct FailureEffect {
    unsigned source_failures = 0;
    unsigned account_failures = 0;
    std::chrono::milliseconds source_blocked_for{0};  // 0: not blocked by this failure
    std::chrono::milliseconds account_blocked_for{0};
  };

  CredentialThrottle() : CredentialThrottle(Rules{}) {}
  explicit CredentialThrottle(Rules rules);

  // Whether `source` may try a credential of `account` now. An allowed attempt must be
  // followed by exactly one of succeeded(), failed() or abandoned().
  Admission admit(std::string_view source, std::string_view account, MonotonicTime now);
  void succeeded(std::string_view source, std::string_view account, MonotonicTime now);
  FailureEffect failed(std::string_view source, std::string_view account, MonotonicTime now);
  // The allowed attempt was never checked (no room to run it).
  void abandoned(std::string_view source);

  const Rules& rules() const { return rules_; }

 private:
  struct Backoff {
    unsigned failures = 0;
    MonotonicTime last_failure{};
    MonotonicTime blocked_until{};
  };
  struct SourceState {
    Backoff backoff;
    unsigned in_flight = 0;
    // When an account's block first held back this source while it had no failures.
    std::optional<MonotonicTime> waiting_since;
  };

  void forget_if_stale(Backoff& backoff, MonotonicTime now) const;
  // Counts one failure; returns how long it blocks (0 if free).
  std::chrono::milliseconds count_failure(Backoff& backoff, unsigned free_failures,
                                          MonotonicTime now) const;
  static void release(SourceState& source);

  Rules rules_;
  std::mutex mutex_;
  base::LruTable<SourceState> sources_;
  base::LruTable<Backoff> accounts_;
};

// For log lines: "this address is blocked", "6 failures from this address (blocked 1 s), 6 on
// the account".
std::string describe(CredentialThrottle::Decision decision);
std::string describe(const CredentialThrottle::FailureEffect& effect);

}  // namespace webvox::core
