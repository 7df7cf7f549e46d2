// Reading a datagram together with the time the kernel queued it on the socket: latency
// measured from there leaves out how long this (single-threaded, busy) load generator took to
// get round to reading, which is not the server's doing.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include <boost/asio/ip/udp.hpp>

namespace webvox::load {

// Asks the kernel to stamp each datagram received on `socket` (SO_TIMESTAMPNS).
void enable_receive_timestamps(boost::asio::ip::udp::socket& socket);

struct TimestampedDatagram {
  std::size_t size = 0;
  boost::asio::ip::udp::endpoint from;
  // When it reached the socket, on the steady clock (monotonic_ns's); the time it was read if
  // the kernel gave no stamp.
  std::uint64_t arrived_ns = 0;
};

// One datagram without blocking; none when nothing is waiting (or on an error).
std::optional<TimestampedDatagram> receive_timestamped(boost::asio::ip::udp::socket& socket,
                                                       std::span<std::uint8_t> buffer);

}  // namespace webvox::load
