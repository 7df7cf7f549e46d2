// One simulated participant, whatever server it talks to: it connects (signalling, then
// media), speaks if the layout says so, and keeps what it received. The driver sees only this.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "load_stats.hpp"

namespace webvox::load {

class LoadSession {
 public:
  enum class Stage { SigningIn, Joining, Negotiating, Connecting, Ready, Failed };

  virtual ~LoadSession() = default;
  virtual void start() = 0;
  // Timers of the session's connections; call every few milliseconds.
  virtual void tick(std::chrono::steady_clock::time_point now) = 0;
  // Sends the next packet if this participant speaks and its media is ready.
  virtual void speak() = 0;
  virtual void stop() = 0;

  virtual Stage stage() const = 0;
  virtual std::string failure() const = 0;
};

// A participant of the forwarding load: it speaks probes (load_packet.hpp) and counts the
// probes of every speaker it hears.
class ProbeSession : public LoadSession {
 public:
  virtual const StreamLoss& loss() const = 0;
  virtual std::uint64_t probes_sent() const = 0;
  virtual std::uint64_t probes_sent_in_window() const = 0;
};

std::string_view to_string(LoadSession::Stage stage);

}  // namespace webvox::load
