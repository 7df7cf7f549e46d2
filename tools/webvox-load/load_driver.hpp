// The load generator's one thread: runs the io_context in 1 ms phases, has each speaking
// session send its packet in its own phase of the 20 ms period (speakers spread over the 20
// phases, as independent clients would be, not sent in one burst), and every 10 ms runs the
// sessions' timers (ICE checks, DTLS and SCTP retransmissions).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "load_session.hpp"

namespace webvox::load {

class Driver {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr auto kPhase = std::chrono::milliseconds(1);
  static constexpr std::size_t kPhases = 20;
  static constexpr std::size_t kTickEveryPhases = 10;

  explicit Driver(boost::asio::io_context& io) : io_(io), timer_(io) {}

  // Sessions in the order of their index (the index picks the phase).
  void add(LoadSession* session) { sessions_.push_back(session); }
  // Runs before the sessions' timers, every kTickEveryPhases phases.
  void on_tick(std::function<void(Clock::time_point)> hook) { tick_hook_ = std::move(hook); }

  void start();
  void set_speaking(bool speaking) { speaking_ = speaking; }
  void run_for(Clock::duration duration) { io_.run_for(duration); }
  template <typename Done>
  bool run_until(Done done, Clock::duration limit) {
    const auto deadline = Clock::now() + limit;
    while (!done() && Clock::now() < deadline) io_.run_for(std::chrono::milliseconds(20));
    return done();
  }

 private:
  void arm();
  void run_phase(Clock::time_point now);

  boost::asio::io_context& io_;
  boost::asio::steady_timer timer_;
  std::vector<LoadSession*> sessions_;
  std::function<void(Clock::time_point)> tick_hook_;
  Clock::time_point next_;
  std::uint64_t count_ = 0;
  bool speaking_ = false;
};

}  // namespace webvox::load
