#include "world/link_code_store.hpp"

#include <algorithm>

#include "base/secure_random.hpp"

namespace webvox::world {
namespace {

std::string digest(std::string_view code) {
  const auto bytes = base::sha256(code);
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace

InMemoryLinkCodeStore::InMemoryLinkCodeStore(std::size_t capacity)
    : capacity_(std::max<std::size_t>(capacity, 1)) {}

void InMemoryLinkCodeStore::put(std::string_view code, std::string token, base::SteadyTime now,
                                base::SteadyTime expires) {
  auto key = digest(code);
  std::lock_guard lock(mutex_);
  forget_expired(now);
  if (order_.size() >= 2 * capacity_) drop_taken_from_order();
  while (entries_.size() >= capacity_ && !order_.empty()) {
    entries_.erase(order_.front().first);
    order_.pop_front();
  }
  order_.emplace_back(key, expires);
  entries_.insert_or_assign(std::move(key), Entry{std::move(token), expires});
}

std::optional<std::string> InMemoryLinkCodeStore::take(std::string_view code,
                                                       base::SteadyTime now) {
  const auto key = digest(code);
  std::lock_guard lock(mutex_);
  const auto found = entries_.find(key);
  if (found == entries_.end()) return std::nullopt;
  auto entry = std::move(found->second);
  entries_.erase(found);
  if (now >= entry.expires) return std::nullopt;
  return std::move(entry.token);
}

std::size_t InMemoryLinkCodeStore::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void InMemoryLinkCodeStore::forget_expired(base::SteadyTime now) {
  // Entries are put with one lifetime, so expiry follows insertion order closely enough:
  // stop at the first live one.
  while (!order_.empty()) {
    const auto& [key, expires] = order_.front();
    const auto found = entries_.find(key);
    const bool gone = found == entries_.end() || found->second.expires != expires;
    if (!gone && expires > now) break;
    if (!gone) entries_.erase(found);
    order_.pop_front();
  }
}

// Redeemed codes stay in order_ until they reach its front; with many redeemed behind one
// live code, sweep them so that order_ stays within a small multiple of the capacity.
void InMemoryLinkCodeStore::drop_taken_from_order() {
  std::erase_if(order_, [this](const auto& item) {
    const auto found = entries_.find(item.first);
    return found == entries_.end() || found->second.expires != item.second;
  });
}

}  // namespace webvox::world
