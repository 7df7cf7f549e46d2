#include "timestamped_receive.hpp"

#include <sys/socket.h>
#include <time.h>

#include <cstring>

namespace webvox::load {
namespace {

std::uint64_t clock_ns(clockid_t clock) {
  timespec now{};
  clock_gettime(clock, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000ull +
         static_cast<std::uint64_t>(now.tv_nsec);
}

}  // namespace

void enable_receive_timestamps(boost::asio::ip::udp::socket& socket) {
  const int on = 1;
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
}

std::optional<TimestampedDatagram> receive_timestamped(boost::asio::ip::udp::socket& socket,
                                                       std::span<std::uint8_t> buffer) {
  TimestampedDatagram datagram;
  iovec vector{buffer.data(), buffer.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
  msghdr message{};
  message.msg_name = datagram.from.data();
  message.msg_namelen = static_cast<socklen_t>(datagram.from.capacity());
  message.msg_iov = &vector;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  const auto size = ::recvmsg(socket.native_handle(), &message, MSG_DONTWAIT);
  if (size < 0) return std::nullopt;
  datagram.size = static_cast<std::size_t>(size);
  datagram.from.resize(message.msg_namelen);

  // The stamp is on the real-time clock, probes carry the steady clock: translate with both
  // clocks read now, so a slewing real-time clock cannot drift the figures over a run.
  const auto steady_now = clock_ns(CLOCK_MONOTONIC);
  datagram.arrived_ns = steady_now;
  for (auto* header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
    if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_TIMESTAMPNS) continue;
    timespec stamp{};
    std::memcpy(&stamp, CMSG_DATA(header), sizeof stamp);
    const auto stamped = static_cast<std::uint64_t>(stamp.tv_sec) * 1'000'000'000ull +
                         static_cast<std::uint64_t>(stamp.tv_nsec);
    const auto real_now = clock_ns(CLOCK_REALTIME);
    const auto waited = real_now > stamped ? real_now - stamped : 0;
    datagram.arrived_ns = steady_now > waited ? steady_now - waited : 0;
  }
  return datagram;
}

}  // namespace webvox::load
