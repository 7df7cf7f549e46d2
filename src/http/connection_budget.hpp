#pragma once

#include <boost/asio/ip/address.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>

namespace webvox::http {

// Whose connections count together: an IPv4 address (IPv4-mapped IPv6 included), or the /64
// prefix of an IPv6 one (one host is usually handed a whole /64).
using SourceKey = std::array<unsigned char, 16>;
SourceKey source_key(const boost::asio::ip::address& address);

// How many connections may be open at once, in total and per source. A connection holds its
// place from accept to close, whatever it is doing (TLS handshake, waiting for a request, an
// answer pending, a WebSocket). Thread-safe.
class ConnectionBudget {
 public:
  struct Limits {
    std::size_t total = 1024;
    std::size_t per_source = 64;  // 0: no per-source limit
  };
  enum class Refusal { kTotal, kSource };

  explicit ConnectionBudget(Limits limits) : limits_(limits) {}

  // Takes a place for a new connection from `source`, or says why there is none.
  std::optional<Refusal> try_admit(const SourceKey& source);
  // Gives back a place taken by try_admit.
  void release(const SourceKey& source);

  std::size_t open() const;
  std::size_t open_from(const SourceKey& source) const;
  const Limits& limits() const { return limits_; }

 private:
  Limits limits_;
  mutable std::mutex mutex_;
  std::size_t open_ = 0;
  std::map<SourceKey, std::size_t> per_source_;  // sources with at least one connection
};

// The default total for a process allowed `open_file_limit` descriptors: half of them (the
// rest is for the media edge, the database, files), at most 20,000 (each connection costs
// memory too), at least 16.
std::size_t default_max_connections(std::uint64_t open_file_limit);

}  // namespace webvox::http
