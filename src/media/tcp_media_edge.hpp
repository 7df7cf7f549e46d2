#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "media/media_router.hpp"
#include "media/path_writer.hpp"
#include "media/tcp_media_connection.hpp"

namespace webvox::media {

// The ICE-TCP fallback (RFC 6544) for browsers that cannot reach the UDP port: one listening
// TCP port for every session, passive candidates only. Each connection's frames go to the
// router like UDP datagrams (its remote address, marked TCP, is the path), and what a
// transport sends to that path is written framed on it. Connections that send anything but
// ICE first, or pass no check within a few seconds, are closed; so are the ones over the caps.
// Runs on the router's io_context thread.
class TcpMediaEdge final : public PathWriter, private TcpMediaConnection::Owner {
 public:
  struct Limits {
    std::size_t max_connections = 1024;
    std::size_t max_unauthenticated = 64;  // accepted, no valid check yet
    TcpMediaConnection::Limits connection;
  };
  struct Counters {
    std::uint64_t accepted = 0, refused = 0, closed_bad_framing = 0, closed_garbage = 0,
                  closed_unauthenticated = 0, closed = 0, not_connected = 0;
  };

  TcpMediaEdge(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& listen,
               MediaRouter& router, Limits limits);
  TcpMediaEdge(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& listen,
               MediaRouter& router)
      : TcpMediaEdge(io, listen, router, Limits{}) {}
  ~TcpMediaEdge() override;

  boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
  void start();
  void stop();

  void write(const rtc::stun::TransportAddress& to, std::span<const std::uint8_t> bytes) override;
  void release(const rtc::stun::TransportAddress& path) override;

  std::size_t connections() const { return connections_.size(); }
  // Every connection's counters added up, closed ones included.
  TcpMediaConnection::Counters connection_totals() const;
  std::size_t unauthenticated() const;
  const Counters& counters() const { return counters_; }

 private:
  void accept();
  void on_frame(TcpMediaConnection& connection, std::span<std::uint8_t> frame) override;
  void on_read_done(TcpMediaConnection& connection) override;
  void on_closed(TcpMediaConnection& connection, TcpMediaConnection::CloseReason reason) override;

  boost::asio::ip::tcp::acceptor acceptor_;
  MediaRouter& router_;
  Limits limits_;
  // By the peer's address (TransportAddress::to_string()), which the OS keeps unique among
  // live connections to one listening port.
  std::map<std::string, std::shared_ptr<TcpMediaConnection>> connections_;
  Counters counters_;
  TcpMediaConnection::Counters closed_connections_;  // of the connections gone
  bool stopped_ = false;
};

}  // namespace webvox::media
