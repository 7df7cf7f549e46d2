#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace webvox::app {

// A few threads for work too slow for the network threads (PBKDF2), behind a bounded queue:
// when `capacity` jobs wait already, try_post refuses instead of queueing without bound, so
// the caller can answer "busy". Jobs still queued when the pool is destroyed are dropped;
// running ones finish first.
class WorkerPool {
 public:
  WorkerPool(std::size_t threads, std::size_t capacity);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False (and the job dropped) if the queue is full or the pool is stopping.
  bool try_post(std::function<void()> job);
  std::size_t threads() const { return threads_.size(); }
  std::size_t capacity() const { return capacity_; }

  // The default number of threads: half the cores (the network threads keep the rest), at
  // least 1, at most 4.
  static std::size_t default_threads();

 private:
  void run();

  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace webvox::app
