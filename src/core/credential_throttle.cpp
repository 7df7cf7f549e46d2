#include "core/credential_throttle.hpp"

#include <algorithm>

namespace webvox::core {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Keys longer than any account name or address are cut: a key is kept in memory per entry.
constexpr std::size_t kMaxKeyBytes = 256;
std::string_view bounded(std::string_view key) { return key.substr(0, kMaxKeyBytes); }

seconds whole_seconds_until(MonotonicTime until, MonotonicTime now) {
  const auto left = std::chrono::ceil<seconds>(until - now);
  return std::max(left, seconds(1));
}

}  // namespace

CredentialThrottle::CredentialThrottle(Rules rules)
    : rules_(rules), sources_(rules.max_sources), accounts_(rules.max_accounts) {}

void CredentialThrottle::forget_if_stale(Backoff& backoff, MonotonicTime now) const {
  if (backoff.failures > 0 && now - backoff.last_failure >= rules_.forget_after) backoff = {};
}

milliseconds CredentialThrottle::count_failure(Backoff& backoff, unsigned free_failures,
                                               MonotonicTime now) const {
  forget_if_stale(backoff, now);
  if (backoff.failures < ~0u) ++backoff.failures;
  backoff.last_failure = now;
  if (backoff.failures <= free_failures) return milliseconds(0);
  // 1, 2, 4, ... times first_block; past 2^20 the cap has long been reached.
  const unsigned doublings = std::min(backoff.failures - free_failures - 1, 20u);
  const auto block =
      std::min(rules_.first_block * (std::int64_t{1} << doublings), rules_.max_block);
  backoff.blocked_until = std::max(backoff.blocked_until, now + block);
  return block;
}

void CredentialThrottle::release(SourceState& source) {
  if (source.in_flight > 0) --source.in_flight;
}

CredentialThrottle::Admission CredentialThrottle::admit(std::string_view source_key,
                                                        std::string_view account_key,
                                                        MonotonicTime now) {
  std::lock_guard lock(mutex_);
  auto& source = sources_.touch(bounded(source_key));
  forget_if_stale(source.backoff, now);
  if (source.backoff.blocked_until > now) {
    return {Decision::SourceBlocked, whole_seconds_until(source.backoff.blocked_until, now)};
  }
  if (source.in_flight >= rules_.max_in_flight_per_source) {
    return {Decision::SourceBusy, seconds(1)};
  }
  if (auto* account = accounts_.find(bounded(account_key))) {
    forget_if_stale(*account, now);
    if (account->blocked_until > now) {
      if (source.backoff.failures > 0) {
        return {Decision::AccountBlocked, whole_seconds_until(account->blocked_until, now)};
      }
      if (!source.waiting_since) source.waiting_since = now;
      const auto wait_end = *source.waiting_since + rules_.clean_source_max_wait;
      if (now < wait_end) {
        return {Decision::AccountBlocked,
                whole_seconds_until(std::min(account->blocked_until, wait_end), now)};
      }
    }
  }
  source.waiting_since.reset();
  ++source.in_flight;
  return {Decision::Allowed, seconds(0)};
}

void CredentialThrottle::succeeded(std::string_view source_key, std::string_view, MonotonicTime) {
  std::lock_guard lock(mutex_);
  auto& source = sources_.touch(bounded(source_key));
  release(source);
  source.backoff = {};
  source.waiting_since.reset();
}

CredentialThrottle::FailureEffect CredentialThrottle::failed(std::string_view source_key,
                                                             std::string_view account_key,
                                                             MonotonicTime now) {
  std::lock_guard lock(mutex_);
  FailureEffect effect;
  auto& source = sources_.touch(bounded(source_key));
  release(source);
  source.waiting_since.reset();
  effect.source_blocked_for = count_failure(source.backoff, rules_.source_free_failures, now);
  effect.source_failures = source.backoff.failures;
  auto& account = accounts_.touch(bounded(account_key));
  effect.account_blocked_for = count_failure(account, rules_.account_free_failures, now);
  effect.account_failures = account.failures;
  return effect;
}

void CredentialThrottle::abandoned(std::string_view source_key) {
  std::lock_guard lock(mutex_);
  if (auto* source = sources_.find(bounded(source_key))) release(*source);
}

std::string describe(CredentialThrottle::Decision decision) {
  switch (decision) {
    case CredentialThrottle::Decision::Allowed:
      return "allowed";
    case CredentialThrottle::Decision::SourceBlocked:
      return "too many failures from this address";
    case CredentialThrottle::Decision::AccountBlocked:
      return "too many failures on this account";
    case CredentialThrottle::Decision::SourceBusy:
      return "too many sign-ins from this address at once";
  }
  return "refused";
}

std::string describe(const CredentialThrottle::FailureEffect& effect) {
  const auto blocked = [](std::chrono::milliseconds block) {
    if (block.count() == 0) return std::string();
    return " (blocked " + std::to_string(std::chrono::ceil<seconds>(block).count()) + " s)";
  };
  return std::to_string(effect.source_failures) + " failure" +
         (effect.source_failures == 1 ? "" : "s") + " from this address" +
         blocked(effect.source_blocked_for) + ", " + std::to_string(effect.account_failures) +
         " on the account" + blocked(effect.account_blocked_for);
}

}  // namespace webvox::core
