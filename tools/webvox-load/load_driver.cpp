#include "load_driver.hpp"

namespace webvox::load {

void Driver::start() {
  next_ = Clock::now() + kPhase;
  arm();
}

void Driver::arm() {
  timer_.expires_at(next_);
  timer_.async_wait([this](const boost::system::error_code& error) {
    if (error) return;
    // Every phase that is due, not one per wake-up: wake-ups come later than asked (by a
    // millisecond or more with many sockets), and sending must not fall behind with them.
    const auto now = Clock::now();
    while (next_ <= now) {
      run_phase(now);
      next_ += kPhase;
    }
    arm();
  });
}

void Driver::run_phase(Clock::time_point now) {
  const auto phase = count_++ % kPhases;
  if (speaking_) {
    for (std::size_t i = phase; i < sessions_.size(); i += kPhases) sessions_[i]->speak();
  }
  if (count_ % kTickEveryPhases == 0) {
    if (tick_hook_) tick_hook_(now);
    for (auto* session : sessions_) session->tick(now);
  }
}

}  // namespace webvox::load
