#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "media/media_router.hpp"
#include "media/path_writer.hpp"
#include "rtc/peer/datagram_queue.hpp"

namespace webvox::media {

// The one UDP port every server-forwarded session shares (ICE-lite): each datagram goes to
// the router (STUN by USERNAME, the rest by the path a check nominated), and what transports
// send to UDP paths is gathered per wake-up and written with one sendmmsg.
// Runs on one io_context thread, the router's.
class UdpMediaEdge final : public PathWriter {
 public:
  struct Counters {
    std::uint64_t datagrams_in = 0, datagrams_out = 0, send_calls = 0;
    // sendmmsg calls the kernel took only part of (some datagrams sent), or none of (an error
    // on the first: a full socket buffer, an unreachable address); and the datagrams it did
    // not take, which are dropped (media is real time).
    std::uint64_t partial_sends = 0, failed_sends = 0, datagrams_unsent = 0;
  };

  // A burst (every member's packet of one 20 ms period, a flood of junk) must wait in the
  // kernel while the one media thread works: the default receive buffer (≈ 200 KB on Linux)
  // drops a fifth of such a burst. 0 keeps the kernel's default.
  static constexpr std::size_t kDefaultReceiveBuffer = 4 * 1024 * 1024;

  // Asks the kernel for `receive_buffer` bytes of receive buffer (SO_RCVBUF, capped by
  // net.core.rmem_max; SO_RCVBUFFORCE beyond it where the process may).
  UdpMediaEdge(boost::asio::io_context& io, const boost::asio::ip::udp::endpoint& listen,
               MediaRouter& router, std::size_t receive_buffer = kDefaultReceiveBuffer);
  ~UdpMediaEdge() override;

  boost::asio::ip::udp::endpoint local_endpoint() const { return socket_.local_endpoint(); }
  // The receive buffer the kernel granted, as it reports it (SO_RCVBUF; Linux counts its own
  // bookkeeping in, so a grant is twice the bytes asked for).
  std::size_t receive_buffer() const;
  void start();
  void stop();

  void write(const rtc::stun::TransportAddress& to, std::span<const std::uint8_t> bytes) override;
  // Writes every gathered datagram (sendmmsg batches).
  void send_pending() override;

  const Counters& counters() const { return counters_; }

  // Received datagrams whose answers are written together: 8 voice packets forwarded to 8
  // slots each fill one sendmmsg batch.
  static constexpr std::size_t kReceivedPerSend = 8;
  // Datagrams per sendmmsg call.
  static constexpr std::size_t kSendBatch = 64;

 private:
  void receive();
  void handle(std::span<std::uint8_t> datagram, const boost::asio::ip::udp::endpoint& from);

  boost::asio::ip::udp::socket socket_;
  MediaRouter& router_;
  std::array<std::uint8_t, 2048> buffer_{};
  boost::asio::ip::udp::endpoint sender_;
  rtc::DatagramQueue pending_;
  Counters counters_;
  bool stopped_ = false;
};

}  // namespace webvox::media
