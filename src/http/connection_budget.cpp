#include "http/connection_budget.hpp"

#include <algorithm>

namespace webvox::http {

SourceKey source_key(const boost::asio::ip::address& address) {
  SourceKey key{};
  if (address.is_v6() && !address.to_v6().is_v4_mapped()) {
    const auto bytes = address.to_v6().to_bytes();
    std::copy_n(bytes.begin(), 8, key.begin());  // the /64 prefix
    key[15] = 6;                                 // the last byte tells the families apart
    return key;
  }
  const auto v4 = address.is_v4() ? address.to_v4() : address.to_v6().to_v4();  // IPv4-mapped
  const auto bytes = v4.to_bytes();
  std::copy(bytes.begin(), bytes.end(), key.begin());
  key[15] = 4;
  return key;
}

std::optional<ConnectionBudget::Refusal> ConnectionBudget::try_admit(const SourceKey& source) {
  std::lock_guard lock(mutex_);
  if (open_ >= limits_.total) return Refusal::kTotal;
  auto& count = per_source_[source];
  if (limits_.per_source != 0 && count >= limits_.per_source) return Refusal::kSource;
  ++count;
  ++open_;
  return std::nullopt;
}

void ConnectionBudget::release(const SourceKey& source) {
  std::lock_guard lock(mutex_);
  const auto it = per_source_.find(source);
  if (it == per_source_.end()) return;
  if (--it->second == 0) per_source_.erase(it);
  --open_;
}

std::size_t ConnectionBudget::open() const {
  std::lock_guard lock(mutex_);
  return open_;
}

std::size_t ConnectionBudget::open_from(const SourceKey& source) const {
  std::lock_guard lock(mutex_);
  const auto it = per_source_.find(source);
  return it == per_source_.end() ? 0 : it->second;
}

std::size_t default_max_connections(std::uint64_t open_file_limit) {
  return static_cast<std::size_t>(std::clamp<std::uint64_t>(open_file_limit / 2, 16, 20000));
}

}  // namespace webvox::http
