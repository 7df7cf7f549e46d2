#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "rtc/peer/media_transport.hpp"
#include "rtc/stun/ice_session_lookup.hpp"

namespace webvox::media {

// The one UDP port every server-forwarded session shares (ICE-lite): STUN checks are routed
// by the USERNAME's local ufrag, and once a check nominates a path, DTLS and SRTP from that
// address go to its transport. Sends are gathered per wake-up and written with one sendmmsg.
// Runs on one io_context thread; add/remove must be called on it too.
class UdpMediaEdge final : public rtc::stun::IceSessionLookup {
 public:
  struct Counters {
    std::uint64_t datagrams_in = 0, datagrams_out = 0, send_calls = 0, stun_answered = 0,
                  stun_refused = 0, unknown_source = 0;
  };
  static constexpr auto kTick = std::chrono::milliseconds(20);

  UdpMediaEdge(boost::asio::io_context& io, const boost::asio::ip::udp::endpoint& listen);
  ~UdpMediaEdge() override;

  boost::asio::ip::udp::endpoint local_endpoint() const { return socket_.local_endpoint(); }
  void start();
  void stop();

  // The transport answers checks for its local ufrag from now on.
  void add(std::shared_ptr<rtc::MediaTransport> transport);
  void remove(const std::string& local_ufrag);
  // Sends whatever the transport has queued (after the caller made it send, e.g. forwarding).
  void flush(rtc::MediaTransport& transport);
  // Writes every gathered datagram (sendmmsg batches).
  void send_pending();

  const Counters& counters() const { return counters_; }
  // Connections it serves (one per negotiated member), and the network paths they are on.
  std::size_t transports() const { return by_ufrag_.size(); }
  std::size_t paths() const { return by_path_.size(); }

 private:
  rtc::stun::IceLiteSession* find(std::string_view local_ufrag) override;
  void receive();
  void handle(std::span<std::uint8_t> datagram, const boost::asio::ip::udp::endpoint& from);
  void tick();
  void queue(const rtc::stun::TransportAddress& to, std::vector<std::uint8_t> bytes);

  boost::asio::ip::udp::socket socket_;
  boost::asio::steady_timer timer_;
  std::array<std::uint8_t, 2048> buffer_{};
  boost::asio::ip::udp::endpoint sender_;
  std::unordered_map<std::string, std::shared_ptr<rtc::MediaTransport>> by_ufrag_;
  std::map<std::string, rtc::MediaTransport*> by_path_;  // TransportAddress::to_string()
  std::vector<rtc::MediaTransport::Datagram> pending_;
  std::chrono::steady_clock::time_point last_tick_;
  Counters counters_;
  bool stopped_ = false;
};

rtc::stun::TransportAddress to_transport_address(const boost::asio::ip::udp::endpoint& endpoint);
boost::asio::ip::udp::endpoint to_endpoint(const rtc::stun::TransportAddress& address);

}  // namespace webvox::media
