#include "media/tcp_media_edge.hpp"

#include <algorithm>
#include <vector>

#include "rtc/stun/packet_classifier.hpp"

namespace webvox::media {

namespace asio = boost::asio;
using asio::ip::tcp;
using CloseReason = TcpMediaConnection::CloseReason;

TcpMediaEdge::TcpMediaEdge(asio::io_context& io, const tcp::endpoint& listen, MediaRouter& router,
                           Limits limits)
    : acceptor_(io, listen), router_(router), limits_(limits) {}

TcpMediaEdge::~TcpMediaEdge() { stop(); }

void TcpMediaEdge::start() { accept(); }

void TcpMediaEdge::stop() {
  if (stopped_) return;
  stopped_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  // close() calls back into on_closed, which erases from the map: walk a copy.
  std::vector<std::shared_ptr<TcpMediaConnection>> open;
  for (const auto& [key, connection] : connections_) open.push_back(connection);
  for (const auto& connection : open) connection->close(CloseReason::Stopped);
}

std::size_t TcpMediaEdge::unauthenticated() const {
  return static_cast<std::size_t>(
      std::count_if(connections_.begin(), connections_.end(),
                    [](const auto& item) { return !item.second->authenticated(); }));
}

void TcpMediaEdge::accept() {
  acceptor_.async_accept([this](const boost::system::error_code& error, tcp::socket socket) {
    if (stopped_) return;
    if (!error) {
      // Caps first: a flood of idle connections must not cost more than a close.
      if (connections_.size() >= limits_.max_connections ||
          unauthenticated() >= limits_.max_unauthenticated) {
        ++counters_.refused;
        boost::system::error_code ignored;
        socket.close(ignored);
      } else {
        auto connection = std::make_shared<TcpMediaConnection>(
            std::move(socket), static_cast<TcpMediaConnection::Owner&>(*this), limits_.connection);
        ++counters_.accepted;
        connections_[connection->path().to_string()] = connection;
        connection->start();
      }
    }
    // Errors such as running out of descriptors are transient: keep accepting.
    accept();
  });
}

void TcpMediaEdge::on_frame(TcpMediaConnection& connection, std::span<std::uint8_t> frame) {
  if (rtc::stun::classify_packet(frame) == rtc::stun::PacketKind::Stun) {
    auto reply = router_.answer_stun(frame, connection.path(), rtc::stun::IceClock::now());
    if (reply.verdict == MediaRouter::Verdict::Accepted) connection.mark_authenticated();
    if (!reply.response.empty()) connection.send(reply.response);
    // Something that looks like STUN but is not a message we could answer, before any valid
    // check: no ICE agent opens with that.
    if (reply.verdict == MediaRouter::Verdict::Dropped && !connection.authenticated()) {
      connection.close(CloseReason::Garbage);
    }
    return;
  }
  if (!connection.authenticated()) return connection.close(CloseReason::Garbage);
  // DTLS or SRTP before the nominating check arrives is dropped, as on UDP.
  router_.deliver(frame, connection.path());
}

namespace {

void add_to(TcpMediaConnection::Counters& total, const TcpMediaConnection::Counters& more) {
  total.frames_in += more.frames_in;
  total.frames_out += more.frames_out;
  total.dropped_closed += more.dropped_closed;
  total.dropped_unframeable += more.dropped_unframeable;
  total.dropped_queue_full += more.dropped_queue_full;
}

}  // namespace

TcpMediaConnection::Counters TcpMediaEdge::connection_totals() const {
  auto total = closed_connections_;
  for (const auto& [path, connection] : connections_) add_to(total, connection->counters());
  return total;
}

void TcpMediaEdge::on_read_done(TcpMediaConnection&) { router_.send_pending(); }

void TcpMediaEdge::on_closed(TcpMediaConnection& connection, CloseReason reason) {
  switch (reason) {
    case CloseReason::BadFraming:
      ++counters_.closed_bad_framing;
      break;
    case CloseReason::Garbage:
      ++counters_.closed_garbage;
      break;
    case CloseReason::NotAuthenticated:
      ++counters_.closed_unauthenticated;
      break;
    default:
      break;
  }
  ++counters_.closed;
  add_to(closed_connections_, connection.counters());
  router_.forget_path(connection.path());
  connections_.erase(connection.path().to_string());
}

void TcpMediaEdge::write(const rtc::stun::TransportAddress& to,
                         std::span<const std::uint8_t> bytes) {
  const auto it = connections_.find(to.to_string());
  if (it == connections_.end()) {
    ++counters_.not_connected;  // the connection closed since the check nominated it
    return;
  }
  it->second->send(bytes);
}

void TcpMediaEdge::release(const rtc::stun::TransportAddress& path) {
  const auto it = connections_.find(path.to_string());
  if (it == connections_.end()) return;
  const auto connection = it->second;  // close() erases the map entry
  connection->close(CloseReason::Released);
}

}  // namespace webvox::media
