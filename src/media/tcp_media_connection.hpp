#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <vector>

#include "rtc/stun/ice_tcp_framing.hpp"
#include "rtc/stun/transport_address.hpp"

namespace webvox::media {

// One passive ICE-TCP connection (RFC 6544): reads the byte stream into RFC 4571 frames for
// its owner and writes packets framed, keeping the socket's I/O and the limits that protect
// the server (frame size, queued bytes, time to authenticate) in one place. What a frame
// means is the owner's business. Lives in a shared_ptr: pending reads and writes hold it.
class TcpMediaConnection final : public std::enable_shared_from_this<TcpMediaConnection> {
 public:
  struct Limits {
    std::size_t max_frame_bytes = rtc::stun::kDefaultMaxFrameBytes;
    // A peer that does not read (or a path slower than the voice) must not make us buffer
    // without bound: beyond this, packets are dropped, as UDP would.
    std::size_t max_queued_bytes = 256 * 1024;
    // Browsers send their first check right after connecting; a connection that has not
    // passed one by then is a scanner or an attack holding a slot.
    std::chrono::milliseconds authenticate_within{5000};
  };
  enum class CloseReason {
    PeerClosed,        // EOF or a socket error
    BadFraming,        // an empty or oversized frame: the stream is out of step or hostile
    Garbage,           // the owner saw a frame it refuses (e.g. media before any valid check)
    NotAuthenticated,  // no valid check within Limits::authenticate_within
    Released,          // the session it carried ended
    Stopped,           // the server is stopping
  };
  class Owner {
   public:
    virtual ~Owner() = default;
    // One packet off the stream, without its length prefix; may be modified in place.
    virtual void on_frame(TcpMediaConnection& connection, std::span<std::uint8_t> frame) = 0;
    // After the last frame of a read: a good moment to flush batched output.
    virtual void on_read_done(TcpMediaConnection& connection) = 0;
    // Once, when the connection closes for any reason; no frame follows.
    virtual void on_closed(TcpMediaConnection& connection, CloseReason reason) = 0;
  };
  struct Counters {
    std::uint64_t frames_in = 0, frames_out = 0;
    // Packets to send that were dropped: the connection had closed, the packet cannot be
    // framed (empty, or too long for the 16-bit length prefix), the queue was over its limit
    // (a peer not reading).
    std::uint64_t dropped_closed = 0, dropped_unframeable = 0, dropped_queue_full = 0;
  };

  TcpMediaConnection(boost::asio::ip::tcp::socket socket, Owner& owner, Limits limits);

  // Starts reading and the authentication deadline.
  void start();
  // Frames and queues one packet; dropped when the queue is over its limit or closed.
  void send(std::span<const std::uint8_t> packet);
  // A check passed on this connection: it may stay open for as long as its peer wants.
  void mark_authenticated();
  void close(CloseReason reason);

  bool authenticated() const { return authenticated_; }
  bool open() const { return open_; }
  const rtc::stun::TransportAddress& path() const { return path_; }
  std::size_t queued_bytes() const { return queued_bytes_; }
  const Counters& counters() const { return counters_; }

 private:
  void read();
  void write_queued();

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer deadline_;
  Owner& owner_;
  Limits limits_;
  rtc::stun::TransportAddress path_;
  rtc::stun::IceTcpDeframer deframer_;
  std::array<std::uint8_t, 4096> read_buffer_{};
  std::deque<std::vector<std::uint8_t>> queue_;     // framed, not yet handed to the socket
  std::vector<std::vector<std::uint8_t>> writing_;  // handed to the socket, in flight
  std::size_t queued_bytes_ = 0;
  bool authenticated_ = false;
  bool open_ = true;
  Counters counters_;
};

std::string_view to_string(TcpMediaConnection::CloseReason reason);

}  // namespace webvox::media
