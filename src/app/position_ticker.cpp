#include "app/position_ticker.hpp"

#include <chrono>

namespace webvox::app {

PositionTicker::PositionTicker(boost::asio::io_context& io, signalling::SignallingHub& hub)
    : timer_(io), hub_(hub) {}

void PositionTicker::start() { schedule(); }

void PositionTicker::schedule() {
  using namespace std::chrono;
  timer_.expires_after(
      duration_cast<steady_clock::duration>(
          duration<double>(signalling::SignallingHub::kPositionPushSeconds)));
  timer_.async_wait([this](const boost::system::error_code& error) {
    if (error) return;  // cancelled: shutting down
    hub_.push_positions();
    schedule();
  });
}

}  // namespace webvox::app
