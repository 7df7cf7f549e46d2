// The ICE-TCP edge over real loopback connections: a client built from webvox's own pieces
// (controlling ICE, DTLS client, SRTP) reaches a server transport over TCP only, with RFC 4571
// framing both ways; and connections that are not ICE, or never authenticate, are closed.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <functional>
#include <variant>

#include "media/endpoint_address.hpp"
#include "media/tcp_media_edge.hpp"
#include "media/udp_media_edge.hpp"
#include "media_test_support.hpp"
#include "rtc/peer/ice_checks.hpp"
#include "rtc/stun/ice_tcp_framing.hpp"
#include "rtc/stun/packet_classifier.hpp"
#include "rtc/stun/stun_writer.hpp"

using namespace webvox;
using media::test::opus_packet;
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

std::vector<std::uint8_t> framed(std::span<const std::uint8_t> packet) {
  return rtc::stun::frame_packet(packet).value();
}

// One client connection: framed writes, deframed reads, and whether the server closed it.
struct TcpClient {
  tcp::socket socket;
  rtc::stun::IceTcpDeframer deframer;
  std::array<std::uint8_t, 4096> buffer{};
  std::function<void(std::span<std::uint8_t>)> on_frame;
  bool closed = false;

  TcpClient(asio::io_context& io, const tcp::endpoint& server) : socket(io) {
    socket.connect(server);
    read();
  }
  // The server may close the connection while the client's DTLS still has output for it (a
  // test that ends the session does exactly that): a write then fails as it would for any
  // client, and the connection counts as closed.
  void send(std::span<const std::uint8_t> packet) { write(framed(packet)); }
  void send_raw(std::span<const std::uint8_t> bytes) { write({bytes.begin(), bytes.end()}); }
  void write(const std::vector<std::uint8_t>& bytes) {
    boost::system::error_code error;
    asio::write(socket, asio::buffer(bytes), error);
    if (error) closed = true;
  }
  void read() {
    socket.async_read_some(asio::buffer(buffer), [this](auto error, std::size_t size) {
      if (error) {
        closed = true;
        return;
      }
      auto fed = deframer.feed(std::span(buffer.data(), size));
      for (auto& frame : fed.value()) {
        if (on_frame) on_frame(frame);
      }
      read();
    });
  }
};

media::TcpMediaEdge::Limits test_limits() {
  media::TcpMediaEdge::Limits limits;
  limits.max_unauthenticated = 2;
  limits.connection.authenticate_within = std::chrono::seconds(1);
  return limits;
}

struct TcpLoopback {
  asio::io_context io;
  media::MediaRouter router;
  media::TcpMediaEdge edge{io, {asio::ip::make_address("127.0.0.1"), 0}, router, test_limits()};
  rtc::DtlsCertificate server_certificate = rtc::DtlsCertificate::generate();
  rtc::DtlsCertificate client_certificate = rtc::DtlsCertificate::generate();
  rtc::stun::IceCredentials server_ice{"tcpSrv01", "server-password-abcdefgh"};
  rtc::stun::IceCredentials client_ice{"tcpCli01", "client-password-abcdefgh"};
  std::shared_ptr<rtc::MediaTransport> server = media::test::echo_transport(
      server_certificate, client_certificate.fingerprint(), server_ice, "tcpCli01");
  rtc::MediaTransport client{{&client_certificate, rtc::DtlsRole::Client,
                              server_certificate.fingerprint(), client_ice, "tcpSrv01"},
                             {nullptr, [this](auto) { ++echoed; }, nullptr, nullptr}};
  rtc::IceControllingChecks checks{client_ice, server_ice};
  bool ice_ok = false;
  int echoed = 0;

  TcpLoopback() {
    router.set_writer(rtc::stun::TransportProtocol::Tcp, &edge);
    router.add(server);
    edge.start();
  }
  ~TcpLoopback() { edge.stop(); }

  std::unique_ptr<TcpClient> connect() {
    return std::make_unique<TcpClient>(io, edge.local_endpoint());
  }

  // The client's side of ICE and DTLS on `connection`.
  void play_client_on(TcpClient& connection) {
    connection.on_frame = [this, &connection](std::span<std::uint8_t> frame) {
      if (rtc::stun::classify_packet(frame) == rtc::stun::PacketKind::Stun) {
        if (checks.accept_response(frame) && !ice_ok) {
          ice_ok = true;
          client.set_path(media::to_transport_address(edge.local_endpoint()));
          client.start_dtls();
        }
      } else {
        client.on_datagram(frame);
      }
      send_client_output(connection);
    };
  }

  void send_client_output(TcpClient& connection) {
    for (const auto& datagram : client.take_outgoing()) connection.send(datagram.bytes);
  }

  bool run_until(const std::function<bool()>& done,
                 std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io.run_for(std::chrono::milliseconds(10));
      router.tick(std::chrono::milliseconds(10));
      router.send_pending();
    }
    return done();
  }
};

}  // namespace

TEST(TcpMediaEdge, AClientReachesItsSessionOverTcpOnlyAndSrtpEchoes) {
  TcpLoopback net;
  auto connection = net.connect();
  net.play_client_on(*connection);
  connection->send(net.checks.next_request());
  ASSERT_TRUE(net.run_until([&] {
    net.client.on_tick();
    net.send_client_output(*connection);
    return net.client.media_ready() && net.server->media_ready();
  }));
  ASSERT_TRUE(net.server->path());
  EXPECT_EQ(net.server->path()->protocol, rtc::stun::TransportProtocol::Tcp);
  for (std::uint16_t sequence = 1; sequence <= 100; ++sequence) {
    auto packet = opus_packet(sequence);
    const auto length = packet.size();
    packet.resize(length + rtc::SrtpSession::kMaxTrailer);
    ASSERT_TRUE(net.client.send_rtp(packet, length));
  }
  net.send_client_output(*connection);
  ASSERT_TRUE(net.run_until([&] { return net.echoed == 100; })) << net.echoed;
  EXPECT_EQ(net.server->counters().rtp_in, 100u);
  EXPECT_EQ(net.server->counters().srtp_auth_failed, 0u);
  EXPECT_EQ(net.server->counters().srtp_replayed, 0u);
  EXPECT_EQ(net.edge.connections(), 1u);
  EXPECT_EQ(net.edge.unauthenticated(), 0u);
  EXPECT_FALSE(connection->closed);
}

TEST(TcpMediaEdge, MediaBeforeAnyValidCheckClosesTheConnection) {
  TcpLoopback net;
  auto connection = net.connect();
  connection->send(opus_packet(1));
  ASSERT_TRUE(net.run_until([&] { return connection->closed; }));
  EXPECT_EQ(net.edge.counters().closed_garbage, 1u);
  EXPECT_EQ(net.edge.connections(), 0u);
  EXPECT_EQ(net.server->counters().rtp_in, 0u);
}

TEST(TcpMediaEdge, BadFramingClosesTheConnection) {
  TcpLoopback net;
  auto empty_frame = net.connect();
  const std::uint8_t zero_length[] = {0, 0, 1, 2};
  empty_frame->send_raw(zero_length);
  auto huge_frame = net.connect();
  const std::uint8_t too_long[] = {0xff, 0xff, 1, 2};  // over the 4 KiB frame limit
  huge_frame->send_raw(too_long);
  ASSERT_TRUE(net.run_until([&] { return empty_frame->closed && huge_frame->closed; }));
  EXPECT_EQ(net.edge.counters().closed_bad_framing, 2u);
}

TEST(TcpMediaEdge, AConnectionWithoutAValidCheckIsClosedAfterTheDeadline) {
  TcpLoopback net;
  auto silent = net.connect();
  auto impostor = net.connect();
  // A check with the wrong password is answered (401) but does not authenticate.
  rtc::IceControllingChecks wrong(net.client_ice, {"tcpSrv01", "wrong-password-000000000"});
  int answers = 0;
  impostor->on_frame = [&](std::span<std::uint8_t> frame) {
    if (rtc::stun::classify_packet(frame) == rtc::stun::PacketKind::Stun) ++answers;
  };
  impostor->send(wrong.next_request());
  ASSERT_TRUE(net.run_until([&] { return answers == 1; }));
  EXPECT_FALSE(impostor->closed);
  ASSERT_TRUE(
      net.run_until([&] { return silent->closed && impostor->closed; }, std::chrono::seconds(3)));
  EXPECT_EQ(net.edge.counters().closed_unauthenticated, 2u);
  EXPECT_EQ(net.router.counters().stun_refused, 1u);
  EXPECT_FALSE(net.server->path().has_value());
}

TEST(TcpMediaEdge, UnauthenticatedConnectionsOverTheCapAreRefused) {
  TcpLoopback net;  // cap: 2
  auto first = net.connect();
  auto second = net.connect();
  ASSERT_TRUE(net.run_until([&] { return net.edge.connections() == 2; }));
  auto third = net.connect();
  ASSERT_TRUE(net.run_until([&] { return third->closed; }, std::chrono::milliseconds(500)));
  EXPECT_EQ(net.edge.counters().refused, 1u);
  EXPECT_FALSE(first->closed);
  EXPECT_FALSE(second->closed);
}

TEST(TcpMediaEdge, EndingTheSessionClosesItsConnection) {
  TcpLoopback net;
  auto connection = net.connect();
  net.play_client_on(*connection);
  connection->send(net.checks.next_request());
  ASSERT_TRUE(net.run_until([&] { return net.ice_ok; }));
  EXPECT_EQ(net.router.transport_on(*net.server->path()), net.server.get());
  net.router.remove("tcpSrv01");
  ASSERT_TRUE(net.run_until([&] { return connection->closed; }));
  EXPECT_EQ(net.edge.connections(), 0u);
}

TEST(TcpMediaEdge, AClosedConnectionIsNoLongerAPath) {
  TcpLoopback net;
  auto connection = net.connect();
  net.play_client_on(*connection);
  connection->send(net.checks.next_request());
  ASSERT_TRUE(net.run_until([&] { return net.ice_ok; }));
  const auto path = *net.server->path();
  connection->socket.close();
  ASSERT_TRUE(net.run_until([&] { return net.edge.connections() == 0; }));
  EXPECT_EQ(net.router.transport_on(path), nullptr);
}

TEST(TcpMediaEdge, AnswersAFramedPlainBindingRequestWithoutAuthenticating) {
  TcpLoopback net;
  auto client = net.connect();
  std::optional<rtc::stun::TransportAddress> mapped;
  client->on_frame = [&](std::span<std::uint8_t> frame) {
    const auto parsed = rtc::stun::parse_stun_message(frame);
    if (const auto* response = (parsed ? &*parsed : nullptr)) {
      mapped = response->xor_mapped_address;
    }
  };
  client->send(rtc::stun::StunMessageBuilder(rtc::stun::kBindingMethod,
                                             rtc::stun::StunClass::Request,
                                             rtc::stun::TransactionId{})
                   .finish({}, true));
  ASSERT_TRUE(net.run_until([&] { return mapped.has_value(); }));
  // XOR-MAPPED-ADDRESS carries an address and a port, no protocol.
  auto expected = media::to_transport_address(client->socket.local_endpoint());
  expected.protocol = rtc::stun::TransportProtocol::Udp;
  EXPECT_EQ(*mapped, expected);
  EXPECT_EQ(net.router.counters().binding_answered, 1u);
  EXPECT_FALSE(client->closed);
  // Not an ICE check: the connection still has to authenticate in time.
  ASSERT_TRUE(net.run_until([&] { return client->closed; }, std::chrono::seconds(3)));
  EXPECT_EQ(net.edge.counters().closed_unauthenticated, 1u);
}

namespace {

struct SilentOwner final : media::TcpMediaConnection::Owner {
  void on_frame(media::TcpMediaConnection&, std::span<std::uint8_t>) override {}
  void on_read_done(media::TcpMediaConnection&) override {}
  void on_closed(media::TcpMediaConnection&, media::TcpMediaConnection::CloseReason) override {}
};

}  // namespace

TEST(TcpMediaConnection, EachDroppedSendIsCountedUnderItsReason) {
  asio::io_context io;
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  tcp::socket client(io);
  client.connect(acceptor.local_endpoint());
  SilentOwner owner;
  media::TcpMediaConnection::Limits limits;
  limits.max_queued_bytes = 100;
  auto connection = std::make_shared<media::TcpMediaConnection>(acceptor.accept(), owner, limits);

  // Longer than the 16-bit length prefix can say.
  connection->send(std::vector<std::uint8_t>(70000, 1));
  EXPECT_EQ(connection->counters().dropped_unframeable, 1u);
  EXPECT_EQ(connection->counters().dropped_queue_full, 0u);
  // Over the queue's limit (nothing runs the io_context, so nothing leaves the queue).
  connection->send(std::vector<std::uint8_t>(60, 2));
  connection->send(std::vector<std::uint8_t>(60, 3));
  EXPECT_EQ(connection->counters().dropped_queue_full, 1u);
  EXPECT_EQ(connection->counters().dropped_unframeable, 1u);
  // After close.
  connection->close(media::TcpMediaConnection::CloseReason::Released);
  connection->send(std::vector<std::uint8_t>(10, 4));
  EXPECT_EQ(connection->counters().dropped_closed, 1u);
  EXPECT_EQ(connection->counters().dropped_queue_full, 1u);
}
