// The router without sockets: checks bind paths, packets follow them, and outgoing packets
// leave through the writer of their path's protocol.
#include "media/media_router.hpp"

#include <gtest/gtest.h>

#include "media_test_support.hpp"
#include "rtc/peer/ice_checks.hpp"

using namespace webvox;
using rtc::stun::TransportAddress;
using rtc::stun::TransportProtocol;

namespace {

struct RecordingWriter final : media::PathWriter {
  std::vector<TransportAddress> written, released;
  int flushes = 0;
  void write(const TransportAddress& to, std::span<const std::uint8_t>) override { written.push_back(to); }
  void send_pending() override { ++flushes; }
  void release(const TransportAddress& path) override { released.push_back(path); }
};

TransportAddress address(std::uint8_t last, std::uint16_t port, TransportProtocol protocol) {
  auto result = TransportAddress::ipv4({192, 0, 2, last}, port);
  result.protocol = protocol;
  return result;
}

struct RouterFixture {
  media::MediaRouter router;
  RecordingWriter udp, tcp;
  rtc::DtlsCertificate server_certificate = rtc::DtlsCertificate::generate();
  rtc::stun::IceCredentials server_ice{"rtrSrv01", "server-password-abcdefgh"};
  rtc::stun::IceCredentials client_ice{"rtrCli01", "client-password-abcdefgh"};
  std::shared_ptr<rtc::MediaTransport> server =
      media::test::echo_transport(server_certificate, "00:11", server_ice, "rtrCli01");
  rtc::IceControllingChecks checks{client_ice, server_ice};

  RouterFixture() {
    router.set_writer(TransportProtocol::Udp, &udp);
    router.set_writer(TransportProtocol::Tcp, &tcp);
    router.add(server);
  }
  media::MediaRouter::StunReply check_from(const TransportAddress& source) {
    return router.answer_stun(checks.next_request(), source, rtc::stun::IceClock::now());
  }
};

}  // namespace

TEST(MediaRouter, ANominatingCheckMakesItsPathTheTransports) {
  RouterFixture f;
  const auto udp_path = address(1, 5000, TransportProtocol::Udp);
  EXPECT_EQ(f.router.transport_on(udp_path), nullptr);
  const auto reply = f.check_from(udp_path);
  EXPECT_EQ(reply.verdict, media::MediaRouter::Verdict::Accepted);
  EXPECT_FALSE(reply.response.empty());
  EXPECT_EQ(f.router.transport_on(udp_path), f.server.get());
  // The same address and port over TCP is another path.
  EXPECT_EQ(f.router.transport_on(address(1, 5000, TransportProtocol::Tcp)), nullptr);
}

TEST(MediaRouter, UnknownUfragsAreRefusedAndNonStunDropped) {
  RouterFixture f;
  rtc::IceControllingChecks stranger(f.client_ice, {"nobody01", "server-password-abcdefgh"});
  const auto refused = f.router.answer_stun(stranger.next_request(), address(2, 1, TransportProtocol::Udp),
                                            rtc::stun::IceClock::now());
  EXPECT_EQ(refused.verdict, media::MediaRouter::Verdict::Rejected);
  const std::uint8_t not_stun[20] = {0x00, 0x01, 0x00, 0x00};
  EXPECT_EQ(f.router.answer_stun(not_stun, address(2, 1, TransportProtocol::Udp), rtc::stun::IceClock::now()).verdict,
            media::MediaRouter::Verdict::Dropped);
  auto packet = media::test::opus_packet(1);
  EXPECT_FALSE(f.router.deliver(packet, address(2, 1, TransportProtocol::Udp)));
  EXPECT_EQ(f.router.counters().unknown_source, 1u);
}

TEST(MediaRouter, OutgoingPacketsLeaveThroughTheWriterOfTheNominatedProtocol) {
  RouterFixture f;
  // A DTLS client: its first flight is something to send as soon as it starts.
  const rtc::stun::IceCredentials active_ice{"rtrAct01", "active-password-abcdefgh"};
  auto active = std::make_shared<rtc::MediaTransport>(
      rtc::MediaTransportSettings{&f.server_certificate, rtc::DtlsRole::Client, "00:11", active_ice, "rtrCli01"},
      rtc::MediaTransport::Handlers{});
  f.router.add(active);
  rtc::IceControllingChecks checks(f.client_ice, active_ice);
  const auto udp_path = address(1, 5000, TransportProtocol::Udp);
  const auto tcp_path = address(1, 6000, TransportProtocol::Tcp);
  f.router.answer_stun(checks.next_request(), udp_path, rtc::stun::IceClock::now());
  f.router.answer_stun(checks.next_request(), tcp_path, rtc::stun::IceClock::now());  // latest wins
  active->start_dtls();
  f.router.flush(*active);
  ASSERT_FALSE(f.tcp.written.empty());
  EXPECT_TRUE(f.udp.written.empty());
  EXPECT_EQ(f.tcp.written.front(), tcp_path);
  f.router.send_pending();
  EXPECT_EQ(f.udp.flushes, 1);
  EXPECT_EQ(f.tcp.flushes, 1);
}

TEST(MediaRouter, RemovingATransportReleasesEveryPathItHad) {
  RouterFixture f;
  const auto udp_path = address(1, 5000, TransportProtocol::Udp);
  const auto tcp_path = address(1, 6000, TransportProtocol::Tcp);
  f.check_from(tcp_path);
  f.check_from(udp_path);
  f.router.remove("rtrSrv01");
  EXPECT_EQ(f.router.transport_on(udp_path), nullptr);
  EXPECT_EQ(f.router.transport_on(tcp_path), nullptr);
  EXPECT_EQ(f.tcp.released, std::vector<TransportAddress>{tcp_path});
  EXPECT_EQ(f.udp.released, std::vector<TransportAddress>{udp_path});
  EXPECT_EQ(f.check_from(udp_path).verdict, media::MediaRouter::Verdict::Rejected);
}

TEST(MediaRouter, AForgottenPathNoLongerDelivers) {
  RouterFixture f;
  const auto tcp_path = address(1, 6000, TransportProtocol::Tcp);
  f.check_from(tcp_path);
  f.router.forget_path(tcp_path);
  auto packet = media::test::opus_packet(1);
  EXPECT_FALSE(f.router.deliver(packet, tcp_path));
}
