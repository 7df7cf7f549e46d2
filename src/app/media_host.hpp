#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/tick_grid.hpp"
#include "media/media_router.hpp"
#include "media/tcp_media_edge.hpp"
#include "media/udp_media_edge.hpp"
#include "rtc/dtls/dtls_certificate.hpp"
#include "rtc/sdp/local_description.hpp"
#include "rtc/stun/ice_lite_session.hpp"

namespace webvox::app {

// The media thread and what every media service on it shares: one UDP port (and its ICE-TCP
// fallback port), the router that finds each session's transport by its ICE ufrag and path,
// the DTLS certificate every answer names, and the 20 ms tick that drives DTLS/SCTP timers.
// The browser forwarding (SfuService) and the viewer sessions (ViewerService) both live here,
// so one port serves both and a room can hold both kinds of members.
class MediaHost {
 public:
  struct Settings {
    boost::asio::ip::udp::endpoint listen;
    // The ICE-TCP fallback on the same address: off when absent; port 0 lets the system pick
    // one (as listen port 0 does for UDP: the same number could belong to another TCP socket).
    std::optional<std::uint16_t> tcp_port = 0;
    std::vector<std::string> advertised_addresses;  // what clients connect to
    // The media port's kernel receive buffer (media::UdpMediaEdge): bytes asked for.
    std::size_t receive_buffer = media::UdpMediaEdge::kDefaultReceiveBuffer;
  };
  // DTLS retransmissions, SCTP timers, RTCP reports, and the viewer mixer's frames.
  static constexpr auto kTick = std::chrono::milliseconds(20);
  // Behind the tick grid by more than this (a stalled machine), the grid restarts from now.
  static constexpr auto kMaxTickLag = std::chrono::milliseconds(200);
  using TickHandler = std::function<void(std::chrono::steady_clock::time_point)>;

  // Binds the ports; throws std::runtime_error naming the setting (media-port,
  // media-tcp-port) and the address when one cannot be bound.
  explicit MediaHost(Settings settings);
  ~MediaHost();
  MediaHost(const MediaHost&) = delete;
  MediaHost& operator=(const MediaHost&) = delete;

  // Starts the media thread. Services are made before, and register their tick handlers.
  void start();
  // Stops the edges and the thread; idempotent.
  void stop();

  boost::asio::io_context& io() { return io_; }
  template <typename Function>
  void post(Function&& function) {
    boost::asio::post(io_, std::forward<Function>(function));
  }
  // Runs after the router's timers, before what the tick queued is written. Media thread.
  void add_tick_handler(TickHandler handler);

  media::MediaRouter& router() { return router_; }
  const rtc::DtlsCertificate& certificate() const { return certificate_; }
  std::uint16_t udp_port() const { return udp_port_; }
  // The media port's receive buffer as the kernel granted it.
  std::size_t receive_buffer() const { return edge_.receive_buffer(); }
  // Nothing when the ICE-TCP fallback is off.
  std::optional<std::uint16_t> tcp_port() const { return tcp_port_; }

  // What the router and the edges counted since start. Media thread only (post to ask).
  struct Stats {
    media::MediaRouter::Counters router;
    rtc::MediaTransport::Counters transports;  // every session's, closed ones included
    std::size_t connections = 0;               // transports the router serves now
    std::size_t paths = 0;
    media::UdpMediaEdge::Counters udp;
    media::TcpMediaEdge::Counters tcp;
    media::TcpMediaConnection::Counters tcp_sends;  // every ICE-TCP connection's, closed ones too
    std::size_t tcp_connections = 0;
  };
  Stats stats() const;
  // Whether the media thread ran a tick within `within` of `now` (it ticks every kTick):
  // false before start, after stop, or when the thread is stuck. Any thread.
  bool ticking(std::chrono::steady_clock::time_point now,
               std::chrono::steady_clock::duration within) const;

  // Fresh ICE credentials for one session (RFC 8839 §5.4 characters).
  static rtc::stun::IceCredentials new_ice_credentials();
  // The transport part of an answer with these credentials: addresses, ports, fingerprint.
  rtc::sdp::ServerTransport answer_transport(const rtc::stun::IceCredentials& ice) const;
  // A random non-zero SSRC (also used for SDP session ids).
  static std::uint32_t random_ssrc();

 private:
  void schedule_tick();

  Settings settings_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  rtc::DtlsCertificate certificate_;
  rtc::sdp::Fingerprint fingerprint_;  // the certificate's, as every answer carries it
  media::MediaRouter router_;
  media::UdpMediaEdge edge_;
  std::uint16_t udp_port_ = 0;
  std::unique_ptr<media::TcpMediaEdge> tcp_edge_;
  std::optional<std::uint16_t> tcp_port_;
  boost::asio::steady_timer tick_timer_;
  std::chrono::steady_clock::time_point last_tick_;
  base::TickGrid tick_grid_{kTick, kMaxTickLag, std::chrono::steady_clock::now()};
  std::vector<TickHandler> tick_handlers_;
  std::thread thread_;
  bool stopped_ = false;
  // When the last tick ran, steady clock nanoseconds since its epoch; 0: none yet.
  std::atomic<std::int64_t> last_tick_seen_{0};
  std::atomic<bool> stopped_flag_{false};  // stopped_, for other threads
};

// The DTLS code compares fingerprints in SDP's "AB:CD:…" form, without the hash name.
std::string fingerprint_digest_text(const rtc::sdp::Fingerprint& fingerprint);

}  // namespace webvox::app
