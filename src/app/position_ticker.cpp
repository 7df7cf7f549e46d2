#include "app/position_ticker.hpp"

#include <chrono>

namespace webvox::app {

PositionTicker::PositionTicker(boost::asio::io_context& io, signalling::SignallingHub& hub)
    : timer_(io), hub_(hub) {}

void PositionTicker::start() { schedule(); }

void PositionTicker::schedule() {
  timer_.expires_after(signalling::SignallingHub::kPositionPush);
  timer_.async_wait([this](const boost::system::error_code& error) {
    if (error) return;  // cancelled: shutting down
    hub_.push_positions();
    schedule();
  });
}

}  // namespace webvox::app
