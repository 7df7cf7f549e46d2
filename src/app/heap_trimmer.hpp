#pragma once

#include <chrono>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace webvox::app {

// Hands memory the server has freed back to the system every `period`. Joins arrive in
// bursts, and each handshake (TLS, DTLS) briefly needs tens of kilobytes; glibc keeps what a
// burst freed inside its heaps, so without this the process stays as large as its busiest
// second. malloc_trim also returns free pages from the middle of a heap, which glibc's own
// top-of-heap trimming does not.
class HeapTrimmer {
 public:
  HeapTrimmer(boost::asio::io_context& io, std::chrono::steady_clock::duration period);
  void start();

 private:
  void schedule();

  boost::asio::steady_timer timer_;
  std::chrono::steady_clock::duration period_;
};

}  // namespace webvox::app
