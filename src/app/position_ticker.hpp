#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "signalling/signalling_hub.hpp"

namespace webvox::app {

// Flushes the hub's gathered position updates every SignallingHub::kPositionPush, which
// bounds how often each client gets `positions` however often positions change.
class PositionTicker {
 public:
  PositionTicker(boost::asio::io_context& io, signalling::SignallingHub& hub);
  void start();

 private:
  void schedule();

  boost::asio::steady_timer timer_;
  signalling::SignallingHub& hub_;
};

}  // namespace webvox::app
