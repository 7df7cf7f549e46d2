#pragma once

#include <atomic>
#include <cstdint>

namespace webvox::signalling {

// Open and signed-in signalling sessions, for metrics. Shared by the hub and every session,
// which counts itself out in its destructor: that may run after the hub is gone (a handler
// still queued in the io_context when webvoxd stops holds the session).
struct SessionTally {
  std::atomic<std::int64_t> sessions{0}, signed_in{0};
  void count(int opened, int signed_in_now) {
    sessions.fetch_add(opened, std::memory_order_relaxed);
    signed_in.fetch_add(signed_in_now, std::memory_order_relaxed);
  }
};

}  // namespace webvox::signalling
