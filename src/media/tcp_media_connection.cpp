#include "media/tcp_media_connection.hpp"

#include <boost/asio/write.hpp>
#include <variant>

#include "media/endpoint_address.hpp"

namespace webvox::media {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

rtc::stun::TransportAddress remote_path(const tcp::socket& socket) {
  boost::system::error_code error;
  const auto remote = socket.remote_endpoint(error);
  return error ? rtc::stun::TransportAddress{} : to_transport_address(remote);
}

}  // namespace

TcpMediaConnection::TcpMediaConnection(tcp::socket socket, Owner& owner, Limits limits)
    : socket_(std::move(socket)),
      deadline_(socket_.get_executor()),
      owner_(owner),
      limits_(limits),
      path_(remote_path(socket_)),
      deframer_(limits.max_frame_bytes) {
  boost::system::error_code ignored;
  // Voice packets are small and must leave at once; Nagle would hold them for an ACK.
  socket_.set_option(tcp::no_delay(true), ignored);
}

void TcpMediaConnection::start() {
  deadline_.expires_after(limits_.authenticate_within);
  deadline_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
    if (error || self->authenticated_) return;
    self->close(CloseReason::NotAuthenticated);
  });
  read();
}

void TcpMediaConnection::read() {
  socket_.async_read_some(
      asio::buffer(read_buffer_),
      [self = shared_from_this()](const boost::system::error_code& error, std::size_t size) {
        if (!self->open_) return;
        if (error) return self->close(CloseReason::PeerClosed);
        auto fed = self->deframer_.feed(std::span(self->read_buffer_.data(), size));
        auto* frames = fed ? &*fed : nullptr;
        if (frames == nullptr) return self->close(CloseReason::BadFraming);
        for (auto& frame : *frames) {
          if (!self->open_) return;  // the owner closed it on an earlier frame
          ++self->counters_.frames_in;
          self->owner_.on_frame(*self, frame);
        }
        if (!self->open_) return;
        self->owner_.on_read_done(*self);
        self->read();
      });
}

void TcpMediaConnection::send(std::span<const std::uint8_t> packet) {
  auto framed = rtc::stun::frame_packet(packet);
  auto* bytes = framed ? &*framed : nullptr;
  if (!open_) {
    ++counters_.dropped_closed;
    return;
  }
  if (bytes == nullptr) {
    ++counters_.dropped_unframeable;
    return;
  }
  if (queued_bytes_ + bytes->size() > limits_.max_queued_bytes) {
    ++counters_.dropped_queue_full;
    return;
  }
  queued_bytes_ += bytes->size();
  queue_.push_back(std::move(*bytes));
  if (writing_.empty()) write_queued();
}

void TcpMediaConnection::write_queued() {
  // Everything queued goes in one gathered write; what comes meanwhile waits for the next.
  writing_.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
  queue_.clear();
  std::vector<asio::const_buffer> buffers;
  buffers.reserve(writing_.size());
  for (const auto& bytes : writing_) buffers.emplace_back(asio::buffer(bytes));
  asio::async_write(
      socket_, buffers,
      [self = shared_from_this()](const boost::system::error_code& error, std::size_t) {
        for (const auto& bytes : self->writing_) self->queued_bytes_ -= bytes.size();
        self->counters_.frames_out += self->writing_.size();
        self->writing_.clear();
        if (!self->open_) return;
        if (error) return self->close(CloseReason::PeerClosed);
        if (!self->queue_.empty()) self->write_queued();
      });
}

void TcpMediaConnection::mark_authenticated() {
  if (authenticated_) return;
  authenticated_ = true;
  deadline_.cancel();
}

void TcpMediaConnection::close(CloseReason reason) {
  if (!open_) return;
  open_ = false;
  boost::system::error_code ignored;
  deadline_.cancel();
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  for (const auto& bytes : queue_) queued_bytes_ -= bytes.size();
  queue_.clear();
  owner_.on_closed(*this, reason);
}

std::string_view to_string(TcpMediaConnection::CloseReason reason) {
  using Reason = TcpMediaConnection::CloseReason;
  switch (reason) {
    case Reason::PeerClosed:
      return "closed by the peer";
    case Reason::BadFraming:
      return "bad framing";
    case Reason::Garbage:
      return "not ICE";
    case Reason::NotAuthenticated:
      return "no valid check in time";
    case Reason::Released:
      return "session ended";
    case Reason::Stopped:
      return "server stopping";
  }
  return "closed";
}

}  // namespace webvox::media
