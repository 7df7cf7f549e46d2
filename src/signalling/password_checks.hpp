#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "signalling/session_clock.hpp"

namespace webvox::signalling {

// A hello's account and password, and where it came from (the throttle's source key).
struct PasswordAttempt {
  std::string source;
  std::string account;
  std::string password;
};

struct PasswordVerdict {
  enum class Outcome {
    Accepted,
    Refused,    // wrong account or password
    Throttled,  // not checked: too many failures from this address or on this account
    Busy,       // not checked: every password check slot is taken
  };
  Outcome outcome = Outcome::Refused;
  std::chrono::seconds retry_after{0};  // Throttled, Busy: when to try again
};

// Checks hello passwords for the sessions. A check is slow on purpose (PBKDF2), so the edge
// runs it away from the network threads, throttled (core::CredentialThrottle), with a bounded
// queue (app::PasswordCheckService).
class PasswordChecks {
 public:
  using Done = std::function<void(PasswordVerdict, const SessionClock&)>;

  virtual ~PasswordChecks() = default;

  // Either answers at once (returns the verdict, and `done` is never called), or returns
  // nothing and later calls `done` exactly once, with the time then, never from inside this
  // call (the caller may hold a lock `done` takes). `done` may never come if the server is
  // shutting down.
  virtual std::optional<PasswordVerdict> check(PasswordAttempt attempt, Done done) = 0;
  // A hello refused for its join token, for the log.
  virtual void token_refused(std::string_view source, std::string_view reason) = 0;
};

}  // namespace webvox::signalling
