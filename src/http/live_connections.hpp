#pragma once

#include <boost/asio/ip/address.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "base/expected.hpp"
#include "http/connection_budget.hpp"

namespace webvox::http {

// How a connection is asked to stop. kGraceful: an idle one closes, a response being written
// is finished first, a pending asynchronous request is answered 503, a WebSocket is sent close
// 1001 "going away". kNow: the socket is closed, whatever it was doing.
enum class StopMode { kGraceful, kNow };

class LiveConnections;

// One accepted connection as the server keeps track of it: its place in the connection budget
// (given back when this object goes, with the last session object that served the connection)
// and how to ask it to stop.
class LiveConnection {
 public:
  LiveConnection(std::shared_ptr<LiveConnections> owner, std::uint64_t id, SourceKey source)
      : owner_(std::move(owner)), id_(id), source_(source) {}
  ~LiveConnection();
  LiveConnection(const LiveConnection&) = delete;
  LiveConnection& operator=(const LiveConnection&) = delete;

  // How to stop the connection, set by each stage that takes it over (detection, TLS, HTTP,
  // WebSocket), replacing the last. Called from any thread: it must post to the connection's
  // strand itself. If a stop was asked for already, `hook` is called at once with it.
  void on_stop(std::function<void(StopMode)> hook);
  void stop(StopMode mode);

 private:
  std::shared_ptr<LiveConnections> owner_;
  std::uint64_t id_;
  SourceKey source_;
  std::mutex mutex_;
  std::function<void(StopMode)> hook_;
  std::optional<StopMode> stopping_;
};

// The server's open connections: admission against the budget, and stopping them all.
// Thread-safe.
class LiveConnections : public std::enable_shared_from_this<LiveConnections> {
 public:
  explicit LiveConnections(ConnectionBudget::Limits limits) : budget_(limits) {}

  using Admission = base::Expected<std::shared_ptr<LiveConnection>, ConnectionBudget::Refusal>;
  Admission admit(const boost::asio::ip::address& peer);

  // Asks every open connection to stop; connections admitted later are stopped the same way.
  void stop_all(StopMode mode);
  // `callback` runs once, as soon as no connection is open (at once if none is), on the thread
  // that closed the last one.
  void when_empty(std::function<void()> callback);
  // Forgets a callback set by when_empty (its owner is going away).
  void cancel_when_empty();

  std::size_t size() const;
  const ConnectionBudget& budget() const { return budget_; }

 private:
  friend class LiveConnection;
  void remove(std::uint64_t id, const SourceKey& source);

  ConnectionBudget budget_;
  mutable std::mutex mutex_;
  std::uint64_t next_id_ = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<LiveConnection>> connections_;
  std::function<void()> when_empty_;
  std::optional<StopMode> stopped_;
};

}  // namespace webvox::http
