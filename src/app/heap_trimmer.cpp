#include "app/heap_trimmer.hpp"

#include <malloc.h>

namespace webvox::app {

HeapTrimmer::HeapTrimmer(boost::asio::io_context& io, std::chrono::steady_clock::duration period)
    : timer_(io), period_(period) {}

void HeapTrimmer::start() { schedule(); }

void HeapTrimmer::schedule() {
  timer_.expires_after(period_);
  timer_.async_wait([this](const boost::system::error_code& error) {
    if (error) return;  // cancelled: shutting down
    malloc_trim(0);
    schedule();
  });
}

}  // namespace webvox::app
