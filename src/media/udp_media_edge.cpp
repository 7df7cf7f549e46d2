#include "media/udp_media_edge.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include "rtc/sctp/sctp_association.hpp"
#include "rtc/stun/ice_lite_responder.hpp"
#include "rtc/stun/packet_classifier.hpp"

namespace webvox::media {

namespace asio = boost::asio;
using asio::ip::udp;

rtc::stun::TransportAddress to_transport_address(const udp::endpoint& endpoint) {
  const auto address = endpoint.address();
  if (address.is_v4()) return rtc::stun::TransportAddress::ipv4(address.to_v4().to_bytes(), endpoint.port());
  return rtc::stun::TransportAddress::ipv6(address.to_v6().to_bytes(), endpoint.port());
}

udp::endpoint to_endpoint(const rtc::stun::TransportAddress& address) {
  if (address.family == rtc::stun::AddressFamily::IPv4) {
    asio::ip::address_v4::bytes_type bytes;
    std::copy_n(address.address.begin(), 4, bytes.begin());
    return {asio::ip::address_v4(bytes), address.port};
  }
  asio::ip::address_v6::bytes_type bytes;
  std::copy_n(address.address.begin(), 16, bytes.begin());
  return {asio::ip::address_v6(bytes), address.port};
}

UdpMediaEdge::UdpMediaEdge(asio::io_context& io, const udp::endpoint& listen)
    : socket_(io, listen), timer_(io), last_tick_(std::chrono::steady_clock::now()) {
  socket_.non_blocking(true);
}

UdpMediaEdge::~UdpMediaEdge() = default;

void UdpMediaEdge::start() {
  receive();
  tick();
}

void UdpMediaEdge::stop() {
  stopped_ = true;
  boost::system::error_code ignored;
  timer_.cancel();
  socket_.close(ignored);
}

void UdpMediaEdge::add(std::shared_ptr<rtc::MediaTransport> transport) {
  const auto ufrag = transport->ice().local().ufrag;
  by_ufrag_[ufrag] = std::move(transport);
}

void UdpMediaEdge::remove(const std::string& local_ufrag) {
  const auto it = by_ufrag_.find(local_ufrag);
  if (it == by_ufrag_.end()) return;
  std::erase_if(by_path_, [&](const auto& item) { return item.second == it->second.get(); });
  by_ufrag_.erase(it);
}

rtc::stun::IceLiteSession* UdpMediaEdge::find(std::string_view local_ufrag) {
  const auto it = by_ufrag_.find(std::string(local_ufrag));
  return it == by_ufrag_.end() ? nullptr : &it->second->ice();
}

void UdpMediaEdge::receive() {
  socket_.async_wait(udp::socket::wait_read, [this](const boost::system::error_code& error) {
    if (error || stopped_) return;
    // Drain everything that is waiting, then write all answers at once.
    for (;;) {
      boost::system::error_code read_error;
      const auto size = socket_.receive_from(asio::buffer(buffer_), sender_, 0, read_error);
      if (read_error) break;  // would_block: nothing more for now
      ++counters_.datagrams_in;
      handle(std::span(buffer_.data(), size), sender_);
    }
    send_pending();
    receive();
  });
}

void UdpMediaEdge::handle(std::span<std::uint8_t> datagram, const udp::endpoint& from) {
  const auto source = to_transport_address(from);
  if (rtc::stun::classify_packet(datagram) == rtc::stun::PacketKind::Stun) {
    const auto outcome =
        rtc::stun::respond_to_stun(datagram, source, *this, rtc::stun::IceClock::now());
    if (const auto* accepted = std::get_if<rtc::stun::CheckAccepted>(&outcome)) {
      ++counters_.stun_answered;
      if (accepted->nominated) {
        for (auto& [ufrag, transport] : by_ufrag_) {
          if (&transport->ice() == accepted->session) by_path_[source.to_string()] = transport.get();
        }
      }
      queue(source, accepted->response);
    } else if (const auto* rejected = std::get_if<rtc::stun::CheckRejected>(&outcome)) {
      ++counters_.stun_refused;
      queue(source, rejected->response);
    }
    return;
  }
  const auto path = by_path_.find(source.to_string());
  if (path == by_path_.end()) {
    ++counters_.unknown_source;  // no check nominated this address: not ours to read
    return;
  }
  path->second->on_datagram(datagram);
  flush(*path->second);
}

void UdpMediaEdge::flush(rtc::MediaTransport& transport) {
  for (auto& datagram : transport.take_outgoing()) pending_.push_back(std::move(datagram));
}

void UdpMediaEdge::queue(const rtc::stun::TransportAddress& to, std::vector<std::uint8_t> bytes) {
  pending_.push_back({to, std::move(bytes)});
}

void UdpMediaEdge::send_pending() {
  constexpr std::size_t kBatch = 64;
  std::array<mmsghdr, kBatch> headers{};
  std::array<iovec, kBatch> vectors{};
  std::array<sockaddr_storage, kBatch> addresses{};
  std::size_t done = 0;
  while (done < pending_.size()) {
    const std::size_t count = std::min(kBatch, pending_.size() - done);
    for (std::size_t i = 0; i < count; ++i) {
      auto& datagram = pending_[done + i];
      const auto endpoint = to_endpoint(datagram.to);
      std::memcpy(&addresses[i], endpoint.data(), endpoint.size());
      vectors[i] = {datagram.bytes.data(), datagram.bytes.size()};
      headers[i] = {};
      headers[i].msg_hdr.msg_name = &addresses[i];
      headers[i].msg_hdr.msg_namelen = static_cast<socklen_t>(endpoint.size());
      headers[i].msg_hdr.msg_iov = &vectors[i];
      headers[i].msg_hdr.msg_iovlen = 1;
    }
    const int sent = ::sendmmsg(socket_.native_handle(), headers.data(), static_cast<unsigned>(count), 0);
    ++counters_.send_calls;
    // A full socket buffer drops what did not fit, as the network would: media is real time.
    if (sent > 0) counters_.datagrams_out += static_cast<std::uint64_t>(sent);
    done += count;
  }
  pending_.clear();
}

void UdpMediaEdge::tick() {
  timer_.expires_after(kTick);
  timer_.async_wait([this](const boost::system::error_code& error) {
    if (error || stopped_) return;
    const auto now = std::chrono::steady_clock::now();
    rtc::SctpAssociation::advance_timers(
        std::chrono::duration_cast<std::chrono::milliseconds>(now - last_tick_));
    last_tick_ = now;
    for (auto& [ufrag, transport] : by_ufrag_) {
      transport->on_tick();
      flush(*transport);
    }
    send_pending();
    tick();
  });
}

}  // namespace webvox::media
