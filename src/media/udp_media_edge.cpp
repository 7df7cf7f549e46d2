#include "media/udp_media_edge.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include "media/endpoint_address.hpp"
#include "rtc/stun/packet_classifier.hpp"

namespace webvox::media {

namespace asio = boost::asio;
using asio::ip::udp;

UdpMediaEdge::UdpMediaEdge(asio::io_context& io, const udp::endpoint& listen, MediaRouter& router,
                           std::size_t receive_buffer)
    : socket_(io, listen), router_(router) {
  socket_.non_blocking(true);
  if (receive_buffer == 0) return;
  const int wanted = static_cast<int>(std::min<std::size_t>(receive_buffer, 1 << 30));
  const int fd = socket_.native_handle();
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &wanted, sizeof wanted);
  // Above net.core.rmem_max only a process with CAP_NET_ADMIN may; a refusal leaves the grant
  // above as it is.
  if (this->receive_buffer() < static_cast<std::size_t>(wanted)) {
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &wanted, sizeof wanted);
  }
}

std::size_t UdpMediaEdge::receive_buffer() const {
  int granted = 0;
  socklen_t length = sizeof granted;
  if (::getsockopt(const_cast<udp::socket&>(socket_).native_handle(), SOL_SOCKET, SO_RCVBUF,
                   &granted, &length) != 0) {
    return 0;
  }
  return static_cast<std::size_t>(granted);
}

UdpMediaEdge::~UdpMediaEdge() = default;

void UdpMediaEdge::start() { receive(); }

void UdpMediaEdge::stop() {
  stopped_ = true;
  boost::system::error_code ignored;
  socket_.close(ignored);
}

void UdpMediaEdge::receive() {
  socket_.async_wait(udp::socket::wait_read, [this](const boost::system::error_code& error) {
    if (error || stopped_) return;
    // Drain what is waiting, writing the answers in batches: one sendmmsg per few packets
    // received instead of one send per packet, but never holding the first packet's copies
    // back until a long backlog is read (that wait is added latency for every listener).
    std::size_t since_send = 0;
    for (;;) {
      boost::system::error_code read_error;
      const auto size = socket_.receive_from(asio::buffer(buffer_), sender_, 0, read_error);
      if (read_error) break;  // would_block: nothing more for now
      ++counters_.datagrams_in;
      handle(std::span(buffer_.data(), size), sender_);
      if (++since_send == kReceivedPerSend) {
        router_.send_pending();
        since_send = 0;
      }
    }
    // Forwarding may have queued packets for other edges too.
    router_.send_pending();
    receive();
  });
}

void UdpMediaEdge::handle(std::span<std::uint8_t> datagram, const udp::endpoint& from) {
  const auto source = to_transport_address(from);
  if (rtc::stun::classify_packet(datagram) == rtc::stun::PacketKind::Stun) {
    auto reply = router_.answer_stun(datagram, source, rtc::stun::IceClock::now());
    if (!reply.response.empty()) write(source, reply.response);
    return;
  }
  router_.deliver(datagram, source);
}

void UdpMediaEdge::write(const rtc::stun::TransportAddress& to,
                         std::span<const std::uint8_t> bytes) {
  pending_.push(to, bytes);
  // One speaker heard by a whole crowd makes hundreds of copies: each full batch leaves at
  // once instead of waiting for the last copy to be encrypted.
  if (pending_.size() >= kSendBatch) send_pending();
}

void UdpMediaEdge::send_pending() {
  if (stopped_) {
    pending_.clear();
    return;
  }
  std::array<mmsghdr, kSendBatch> headers{};
  std::array<iovec, kSendBatch> vectors{};
  std::array<sockaddr_storage, kSendBatch> addresses{};
  const auto queued = pending_.queued();
  std::size_t done = 0;
  while (done < queued.size()) {
    const std::size_t count = std::min(kSendBatch, queued.size() - done);
    for (std::size_t i = 0; i < count; ++i) {
      const auto& datagram = queued[done + i];
      const auto endpoint = to_endpoint(datagram.to);
      std::memcpy(&addresses[i], endpoint.data(), endpoint.size());
      vectors[i] = {const_cast<std::uint8_t*>(datagram.bytes.data()), datagram.bytes.size()};
      headers[i] = {};
      headers[i].msg_hdr.msg_name = &addresses[i];
      headers[i].msg_hdr.msg_namelen = static_cast<socklen_t>(endpoint.size());
      headers[i].msg_hdr.msg_iov = &vectors[i];
      headers[i].msg_hdr.msg_iovlen = 1;
    }
    const int sent =
        ::sendmmsg(socket_.native_handle(), headers.data(), static_cast<unsigned>(count), 0);
    ++counters_.send_calls;
    // A full socket buffer drops what did not fit, as the network would: media is real time.
    const auto taken = static_cast<std::size_t>(std::max(sent, 0));
    counters_.datagrams_out += taken;
    if (taken < count) {
      ++(taken == 0 ? counters_.failed_sends : counters_.partial_sends);
      counters_.datagrams_unsent += count - taken;
    }
    done += count;
  }
  pending_.clear();
}

}  // namespace webvox::media
