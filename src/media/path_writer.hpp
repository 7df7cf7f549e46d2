// What the router hands outgoing packets to: the edge that owns paths of one protocol (the
// UDP socket, or the ICE-TCP connections).
#pragma once

#include <cstdint>
#include <span>

#include "rtc/stun/transport_address.hpp"

namespace webvox::media {

class PathWriter {
 public:
  virtual ~PathWriter() = default;
  // Queues a copy of one packet (STUN, DTLS or SRTP) for the path `to`.
  virtual void write(const rtc::stun::TransportAddress& to,
                     std::span<const std::uint8_t> bytes) = 0;
  // Writes what write() gathered, for writers that batch; the router calls it after each burst.
  virtual void send_pending() {}
  // No transport uses `path` any more (its member left or renegotiated): a connection-based
  // writer closes the connection, so a stale peer cannot keep it open.
  virtual void release(const rtc::stun::TransportAddress& path) { (void)path; }
};

}  // namespace webvox::media
