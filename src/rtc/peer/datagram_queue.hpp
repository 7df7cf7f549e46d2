#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "rtc/stun/transport_address.hpp"

namespace webvox::rtc {

// Datagrams waiting to be sent, each a copy with its destination. Emptying keeps every
// buffer for the next datagrams, so a queue that carries media at a steady rate stops
// allocating after its first burst.
class DatagramQueue {
 public:
  struct Datagram {
    stun::TransportAddress to;
    std::vector<std::uint8_t> bytes;
  };

  void push(const stun::TransportAddress& to, std::span<const std::uint8_t> bytes) {
    if (count_ == slots_.size()) slots_.emplace_back();
    auto& slot = slots_[count_++];
    slot.to = to;
    slot.bytes.assign(bytes.begin(), bytes.end());
  }

  // The queued datagrams, oldest first; valid until the next push or clear.
  std::span<const Datagram> queued() const { return {slots_.data(), count_}; }
  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  void clear() { count_ = 0; }

 private:
  std::vector<Datagram> slots_;  // the first count_ are queued; the rest are spare buffers
  std::size_t count_ = 0;
};

}  // namespace webvox::rtc
