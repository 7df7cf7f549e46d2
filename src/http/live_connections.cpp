#include "http/live_connections.hpp"

#include <vector>

namespace webvox::http {

LiveConnection::~LiveConnection() { owner_->remove(id_, source_); }

void LiveConnection::on_stop(std::function<void(StopMode)> hook) {
  std::optional<StopMode> stopping;
  {
    std::lock_guard lock(mutex_);
    hook_ = std::move(hook);
    stopping = stopping_;
  }
  if (stopping) stop(*stopping);
}

void LiveConnection::stop(StopMode mode) {
  std::function<void(StopMode)> hook;
  {
    std::lock_guard lock(mutex_);
    if (!stopping_ || mode == StopMode::kNow) stopping_ = mode;
    hook = hook_;
  }
  if (hook) hook(mode);
}

LiveConnections::Admission LiveConnections::admit(const boost::asio::ip::address& peer) {
  const auto source = source_key(peer);
  if (const auto refusal = budget_.try_admit(source)) return base::unexpected(*refusal);
  std::shared_ptr<LiveConnection> connection;
  std::optional<StopMode> stopped;
  {
    std::lock_guard lock(mutex_);
    connection = std::make_shared<LiveConnection>(shared_from_this(), next_id_++, source);
    connections_.emplace(next_id_ - 1, connection);
    stopped = stopped_;
  }
  if (stopped) connection->stop(*stopped);
  return connection;
}

void LiveConnections::stop_all(StopMode mode) {
  std::vector<std::shared_ptr<LiveConnection>> open;
  {
    std::lock_guard lock(mutex_);
    stopped_ = mode;
    open.reserve(connections_.size());
    for (const auto& [id, weak] : connections_) {
      if (auto connection = weak.lock()) open.push_back(std::move(connection));
    }
  }
  for (const auto& connection : open) connection->stop(mode);
}

void LiveConnections::when_empty(std::function<void()> callback) {
  {
    std::lock_guard lock(mutex_);
    if (!connections_.empty()) {
      when_empty_ = std::move(callback);
      return;
    }
  }
  callback();
}

void LiveConnections::cancel_when_empty() {
  std::lock_guard lock(mutex_);
  when_empty_ = nullptr;
}

std::size_t LiveConnections::size() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

void LiveConnections::remove(std::uint64_t id, const SourceKey& source) {
  budget_.release(source);
  std::function<void()> callback;
  {
    std::lock_guard lock(mutex_);
    connections_.erase(id);
    if (connections_.empty() && when_empty_) {
      callback = std::move(when_empty_);
      when_empty_ = nullptr;
    }
  }
  if (callback) callback();
}

}  // namespace webvox::http
