// The router without sockets: checks bind paths, packets follow them, outgoing packets leave
// through the writer of their path's protocol, and plain Binding requests are answered within
// their bound.
#include "media/media_router.hpp"

#include <gtest/gtest.h>

#include "media_test_support.hpp"
#include "rtc/peer/ice_checks.hpp"
#include "rtc/stun/stun_message.hpp"
#include "rtc/stun/stun_writer.hpp"

using namespace webvox;
using rtc::stun::TransportAddress;
using rtc::stun::TransportProtocol;

namespace {

struct RecordingWriter final : media::PathWriter {
  std::vector<TransportAddress> written, released;
  int flushes = 0;
  void write(const TransportAddress& to, std::span<const std::uint8_t>) override {
    written.push_back(to);
  }
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
  const auto refused = f.router.answer_stun(
      stranger.next_request(), address(2, 1, TransportProtocol::Udp), rtc::stun::IceClock::now());
  EXPECT_EQ(refused.verdict, media::MediaRouter::Verdict::Rejected);
  const std::uint8_t not_stun[20] = {0x00, 0x01, 0x00, 0x00};
  EXPECT_EQ(
      f.router
          .answer_stun(not_stun, address(2, 1, TransportProtocol::Udp), rtc::stun::IceClock::now())
          .verdict,
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
      rtc::MediaTransportSettings{&f.server_certificate, rtc::DtlsRole::Client, "00:11", active_ice,
                                  "rtrCli01"},
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

TEST(MediaRouter, TransportTotalsKeepTheCountsOfRemovedTransports) {
  RouterFixture f;
  const auto path = address(1, 5000, TransportProtocol::Udp);
  f.check_from(path);
  // Media before the keys: counted by the transport, then kept when it goes.
  auto packet = media::test::opus_packet(1);
  ASSERT_TRUE(f.router.deliver(packet, path));
  EXPECT_EQ(f.router.transport_totals().media_before_keys, 1u);
  f.router.remove("rtrSrv01");
  EXPECT_EQ(f.router.transports(), 0u);
  EXPECT_EQ(f.router.transport_totals().media_before_keys, 1u);
  EXPECT_EQ(f.router.transport_totals().unknown_kind, 0u);
}

TEST(MediaRouter, AForgottenPathNoLongerDelivers) {
  RouterFixture f;
  const auto tcp_path = address(1, 6000, TransportProtocol::Tcp);
  f.check_from(tcp_path);
  f.router.forget_path(tcp_path);
  auto packet = media::test::opus_packet(1);
  EXPECT_FALSE(f.router.deliver(packet, tcp_path));
}

namespace {

std::vector<std::uint8_t> plain_binding_request(std::uint8_t id) {
  rtc::stun::TransactionId transaction{};
  transaction.fill(id);
  return rtc::stun::StunMessageBuilder(rtc::stun::kBindingMethod, rtc::stun::StunClass::Request,
                                       transaction)
      .finish({}, false);
}

media::ReflectionLimiter::Limits two_per_source() {
  media::ReflectionLimiter::Limits limits;
  limits.per_source_per_second = 0.001;
  limits.per_source_burst = 2;
  return limits;
}

}  // namespace

TEST(MediaRouter, AnswersPlainBindingRequestsWithTheSourceAddress) {
  RouterFixture f;
  const auto source = address(9, 40000, TransportProtocol::Udp);
  const auto reply =
      f.router.answer_stun(plain_binding_request(1), source, rtc::stun::IceClock::now());
  EXPECT_EQ(reply.verdict, media::MediaRouter::Verdict::Answered);
  const auto parsed = rtc::stun::parse_stun_message(reply.response);
  const auto* response = (parsed ? &*parsed : nullptr);
  ASSERT_NE(response, nullptr);
  EXPECT_TRUE(response->is(rtc::stun::kBindingMethod, rtc::stun::StunClass::SuccessResponse));
  EXPECT_EQ(response->xor_mapped_address, source);
  EXPECT_EQ(f.router.counters().binding_answered, 1u);
  EXPECT_EQ(f.router.counters().stun_answered, 0u);   // not an ICE check
  EXPECT_EQ(f.router.transport_on(source), nullptr);  // and it binds no path

  rtc::stun::StunMessageBuilder unknown(rtc::stun::kBindingMethod, rtc::stun::StunClass::Request,
                                        rtc::stun::TransactionId{});
  const std::vector<std::uint8_t> value{0, 0, 0, 0};
  unknown.add_attribute(0x0042, value);
  const auto refused =
      f.router.answer_stun(std::move(unknown).finish({}, true), source, rtc::stun::IceClock::now());
  EXPECT_EQ(refused.verdict, media::MediaRouter::Verdict::Answered);
  EXPECT_FALSE(refused.response.empty());
  EXPECT_EQ(f.router.counters().binding_unknown_attribute, 1u);
}

TEST(MediaRouter, BoundsPlainBindingAnswersPerUdpSourceAndCountsTheRest) {
  media::MediaRouter router(two_per_source());
  const auto now = rtc::stun::IceClock::now();
  const auto victim = address(7, 1000, TransportProtocol::Udp);
  int answered = 0;
  for (std::uint8_t i = 0; i < 10; ++i) {
    auto source = victim;
    source.port = static_cast<std::uint16_t>(1000 + i);  // forged sources vary the port
    const auto reply = router.answer_stun(plain_binding_request(i), source, now);
    if (reply.verdict == media::MediaRouter::Verdict::Answered) {
      ++answered;
    } else {
      EXPECT_EQ(reply.verdict, media::MediaRouter::Verdict::Dropped);
      EXPECT_TRUE(reply.response.empty());
    }
  }
  EXPECT_EQ(answered, 2);
  EXPECT_EQ(router.counters().binding_answered, 2u);
  EXPECT_EQ(router.counters().binding_rate_limited, 8u);
  // Another address is another source; a TCP peer proved its address and is not limited.
  EXPECT_EQ(
      router.answer_stun(plain_binding_request(20), address(8, 1000, TransportProtocol::Udp), now)
          .verdict,
      media::MediaRouter::Verdict::Answered);
  for (std::uint8_t i = 0; i < 5; ++i) {
    EXPECT_EQ(
        router.answer_stun(plain_binding_request(i), address(7, 1000, TransportProtocol::Tcp), now)
            .verdict,
        media::MediaRouter::Verdict::Answered);
  }
}

TEST(MediaRouter, BoundsRefusalsBeforeAuthenticationPerUdpSource) {
  // 401s for an unknown ufrag answer anybody, like plain Binding answers: a forged source gets
  // its share and no more; the rest are dropped and counted. A TCP peer is not limited.
  media::MediaRouter router(two_per_source());
  rtc::IceControllingChecks stranger({"cliXYZ01", "client-password-abcdefgh"},
                                     {"nobody01", "server-password-abcdefgh"});
  const auto now = rtc::stun::IceClock::now();
  int refused = 0;
  for (std::uint16_t i = 0; i < 10; ++i) {
    const auto reply = router.answer_stun(
        stranger.next_request(),
        address(7, static_cast<std::uint16_t>(2000 + i), TransportProtocol::Udp), now);
    if (reply.verdict == media::MediaRouter::Verdict::Rejected) {
      ++refused;
      EXPECT_FALSE(reply.response.empty());
    } else {
      EXPECT_EQ(reply.verdict, media::MediaRouter::Verdict::Dropped);
      EXPECT_TRUE(reply.response.empty());
    }
  }
  EXPECT_EQ(refused, 2);
  EXPECT_EQ(router.counters().stun_refused, 2u);
  EXPECT_EQ(router.counters().stun_refusal_rate_limited, 8u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(
        router.answer_stun(stranger.next_request(), address(7, 2000, TransportProtocol::Tcp), now)
            .verdict,
        media::MediaRouter::Verdict::Rejected);
  }
}

TEST(MediaRouter, LimitedPlainBindingsLeaveIceChecksAlone) {
  RouterFixture f;
  media::MediaRouter& router = f.router;
  const auto source = address(1, 5000, TransportProtocol::Udp);
  // Use up the source's answers (the default burst), then check: the check still goes through.
  for (int i = 0; i < 200 && router.counters().binding_rate_limited == 0; ++i) {
    router.answer_stun(plain_binding_request(static_cast<std::uint8_t>(i)), source,
                       rtc::stun::IceClock::now());
  }
  ASSERT_GT(router.counters().binding_rate_limited, 0u);
  EXPECT_EQ(f.check_from(source).verdict, media::MediaRouter::Verdict::Accepted);
  EXPECT_EQ(router.transport_on(source), f.server.get());
}

TEST(MediaRouter, CountsEachDroppedStunMessageUnderItsReason) {
  RouterFixture f;
  const auto source = address(3, 3000, TransportProtocol::Udp);
  const auto now = rtc::stun::IceClock::now();
  const std::uint8_t not_stun[20] = {0x00, 0x01, 0x00, 0x00};
  f.router.answer_stun(not_stun, source, now);
  const auto indication =
      rtc::stun::StunMessageBuilder(rtc::stun::kBindingMethod, rtc::stun::StunClass::Indication,
                                    rtc::stun::TransactionId{})
          .finish({}, false);
  f.router.answer_stun(indication, source, now);
  auto bad_fingerprint =
      rtc::stun::StunMessageBuilder(rtc::stun::kBindingMethod, rtc::stun::StunClass::Request,
                                    rtc::stun::TransactionId{})
          .finish({}, true);
  bad_fingerprint.back() ^= 1;
  f.router.answer_stun(bad_fingerprint, source, now);
  const auto response = rtc::stun::StunMessageBuilder(rtc::stun::kBindingMethod,
                                                      rtc::stun::StunClass::SuccessResponse,
                                                      rtc::stun::TransactionId{})
                            .finish({}, true);
  f.router.answer_stun(response, source, now);
  const auto& counters = f.router.counters();
  EXPECT_EQ(counters.stun_malformed, 1u);
  EXPECT_EQ(counters.stun_no_fingerprint, 1u);
  EXPECT_EQ(counters.stun_bad_fingerprint, 1u);
  EXPECT_EQ(counters.stun_not_binding_request, 1u);
  EXPECT_EQ(counters.stun_dropped, 4u);
}
