#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "media/media_router.hpp"
#include "media/tcp_media_edge.hpp"
#include "media/udp_media_edge.hpp"
#include "rtc/dtls/dtls_certificate.hpp"
#include "rtc/sdp/fingerprint.hpp"
#include "sfu/forwarding_room.hpp"
#include "sfu/member_rtcp.hpp"
#include "signalling/media_forwarding.hpp"

namespace webvox::app {

// Server-forwarded voice: negotiates each member's WebRTC connection (SDP), owns the media
// UDP port (and its ICE-TCP fallback port) and one ForwardingRoom per channel, and tells listeners which member is on which
// slot. All media work runs on its own thread; the signalling side calls in from anywhere
// and the calls are posted there.
class SfuService final : public signalling::MediaForwarding {
 public:
  struct Settings {
    boost::asio::ip::udp::endpoint listen;
    // The ICE-TCP fallback on the same address: off when absent; port 0 lets the system pick
    // one (as listen port 0 does for UDP: the same number could belong to another TCP socket).
    std::optional<std::uint16_t> tcp_port = 0;
    std::vector<std::string> advertised_addresses;  // what browsers connect to
    std::size_t slots = 8;
    // The media port's kernel receive buffer (media::UdpMediaEdge): bytes asked for.
    std::size_t receive_buffer = media::UdpMediaEdge::kDefaultReceiveBuffer;
  };
  static constexpr auto kDecideEvery = std::chrono::milliseconds(50);
  // DTLS retransmissions, SCTP timers, and when RTCP reports are due.
  static constexpr auto kMediaTick = std::chrono::milliseconds(20);

  explicit SfuService(Settings settings);
  ~SfuService() override;

  std::uint16_t udp_port() const { return port_; }
  // The media port's receive buffer as the kernel granted it.
  std::size_t receive_buffer() const { return edge_.receive_buffer(); }
  // Nothing when the ICE-TCP fallback is off.
  std::optional<std::uint16_t> tcp_port() const { return tcp_port_; }

  std::size_t slots() const override { return settings_.slots; }
  void negotiate(core::ChannelId channel, const core::ChannelProperties& properties,
                 const std::string& member, core::Role role, std::string sdp,
                 std::shared_ptr<signalling::PeerLink> link, nlohmann::json id) override;
  void leave(core::ChannelId channel, const std::string& member) override;
  void place(core::ChannelId channel, const std::string& member,
             const core::Position& position) override;
  void set_floor(core::ChannelId channel, const std::string& member, bool floor) override;

 private:
  struct Member;
  struct Room;

  void negotiate_on_media_thread(core::ChannelId channel, const core::ChannelProperties& properties,
                                 const std::string& member, core::Role role, const std::string& sdp,
                                 const std::shared_ptr<signalling::PeerLink>& link,
                                 const nlohmann::json& id);
  void drop(Room& room, const std::string& member);
  void decide();
  void schedule_decide();
  void schedule_media_tick();
  // Each member's RTCP reports that are due (sent encrypted on its path).
  void send_reports(std::chrono::steady_clock::time_point now);

  Settings settings_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  rtc::DtlsCertificate certificate_;
  rtc::sdp::Fingerprint local_fingerprint_;  // the certificate's, as every answer carries it
  media::MediaRouter router_;
  media::UdpMediaEdge edge_;
  std::uint16_t port_ = 0;
  std::unique_ptr<media::TcpMediaEdge> tcp_edge_;
  std::optional<std::uint16_t> tcp_port_;
  boost::asio::steady_timer decide_timer_;
  boost::asio::steady_timer media_timer_;
  std::chrono::steady_clock::time_point last_media_tick_;
  std::map<core::ChannelId, std::unique_ptr<Room>> rooms_;
  std::thread thread_;
};

}  // namespace webvox::app
