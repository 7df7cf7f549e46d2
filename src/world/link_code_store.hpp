#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/steady_time.hpp"

namespace webvox::world {

// Short, single-use codes that stand for a join token for a few minutes, so that the link a
// HUD opens with llLoadURL (at most 255 characters in Second Life viewers) can be short:
// /j/<code> redeems to /?token=<join token>. Behind an interface so that several webvoxd
// nodes can later share one store; implementations must be safe to call from several
// threads. Times are the steady clock's.
class LinkCodeStore {
 public:
  virtual ~LinkCodeStore() = default;

  // Keeps `token` under `code` until `expires` (> now). A code is expected to be fresh
  // randomness.
  virtual void put(std::string_view code, std::string token, base::SteadyTime now,
                   base::SteadyTime expires) = 0;
  // The token, removed so that the code works once; nothing if unknown, used or expired.
  virtual std::optional<std::string> take(std::string_view code, base::SteadyTime now) = 0;
};

// In one process's memory, bounded: with `capacity` live codes, a new one pushes out the
// oldest (whose owner can touch the HUD again). Codes are kept only as SHA-256 digests, so the
// table holds nothing that can be redeemed, and lookups do not compare caller-chosen text
// against live codes.
class InMemoryLinkCodeStore final : public LinkCodeStore {
 public:
  explicit InMemoryLinkCodeStore(std::size_t capacity);

  void put(std::string_view code, std::string token, base::SteadyTime now,
           base::SteadyTime expires) override;
  std::optional<std::string> take(std::string_view code, base::SteadyTime now) override;

  std::size_t size() const;

 private:
  struct Entry {
    std::string token;
    base::SteadyTime expires;
  };
  // Call with mutex_ held.
  void forget_expired(base::SteadyTime now);
  void drop_taken_from_order();

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;  // by digest
  // Digests in the order they were put, to find the oldest; may name entries already taken.
  std::deque<std::pair<std::string, base::SteadyTime>> order_;
};

}  // namespace webvox::world
