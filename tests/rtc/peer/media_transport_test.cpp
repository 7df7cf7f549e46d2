// A browser-like client (controlling ICE, DTLS client) and the server's transport (ICE-lite,
// DTLS server) talking through an in-memory network: checks, handshake, SRTP both ways, a data
// channel. The same composition the UDP edge and the load generator use, minus the sockets.
#include <gtest/gtest.h>

#include "rtc/peer/ice_checks.hpp"
#include "rtc/peer/media_transport.hpp"
#include "rtc/stun/ice_lite_responder.hpp"
#include "rtp_test_packets.hpp"

using namespace webvox::rtc;
using stun::TransportAddress;

namespace {

const TransportAddress kClientAddress = TransportAddress::ipv4({10, 0, 0, 2}, 50000);
const TransportAddress kServerAddress = TransportAddress::ipv4({10, 0, 0, 1}, 3478);

std::vector<std::uint8_t> opus_packet(std::uint16_t sequence) {
  auto packet = webvox::test::rtp_packet({111, false, sequence, 0x03C0, 0xCAFEBABE}, 60);
  // A payload each packet's own: sequence + i.
  for (std::size_t i = 0; i < 60; ++i) packet[12 + i] = static_cast<std::uint8_t>(sequence + i);
  return packet;
}

// Encrypts and queues one test packet (send_rtp needs room for the SRTP trailer).
bool send_opus(MediaTransport& transport, std::uint16_t sequence) {
  auto packet = opus_packet(sequence);
  const auto length = packet.size();
  packet.resize(length + SrtpSession::kMaxTrailer);
  return transport.send_rtp(packet, length);
}

struct Network : stun::IceSessionLookup {
  explicit Network(bool server_data_channels = true) : server_data_channels(server_data_channels) {}

  bool server_data_channels;
  DtlsCertificate server_certificate = DtlsCertificate::generate();
  DtlsCertificate client_certificate = DtlsCertificate::generate();
  stun::IceCredentials server_ice{"srvU", "server-password-0123456"};
  stun::IceCredentials client_ice{"cliU", "client-password-0123456"};
  std::vector<std::vector<std::uint8_t>> at_server, at_client;
  std::vector<SctpAssociation::Event> server_channel_events;

  MediaTransport server{
      {&server_certificate, DtlsRole::Server, client_certificate.fingerprint(), server_ice, "cliU",
       server_data_channels},
      {nullptr, [this](auto p) { at_server.emplace_back(p.begin(), p.end()); }, nullptr,
       [this](auto e) { server_channel_events.push_back(std::move(e)); }}};
  MediaTransport client{
      {&client_certificate, DtlsRole::Client, server_certificate.fingerprint(), client_ice, "srvU"},
      {nullptr, [this](auto p) { at_client.emplace_back(p.begin(), p.end()); }, nullptr, nullptr}};
  IceControllingChecks checks{client_ice, server_ice};

  stun::IceLiteSession* find(std::string_view ufrag) override {
    return ufrag == "srvU" ? &server.ice() : nullptr;
  }

  void pump() {
    for (int round = 0; round < 100; ++round) {
      auto from_client = client.take_outgoing();
      auto from_server = server.take_outgoing();
      if (from_client.empty() && from_server.empty()) return;
      for (auto& d : from_client) {
        EXPECT_EQ(d.to, kServerAddress);
        server.on_datagram(d.bytes);
      }
      for (auto& d : from_server) {
        EXPECT_EQ(d.to, kClientAddress);
        client.on_datagram(d.bytes);
      }
    }
  }

  void connect() {
    const auto outcome =
        stun::respond_to_stun(checks.next_request(), kClientAddress, *this, stun::IceClock::now());
    const auto* accepted = std::get_if<stun::CheckAccepted>(&outcome);
    ASSERT_NE(accepted, nullptr);
    EXPECT_TRUE(accepted->nominated);
    EXPECT_TRUE(checks.accept_response(accepted->response));
    client.set_path(kServerAddress);
    client.start_dtls();
    pump();
  }
};

}  // namespace

TEST(MediaTransport, AClientReachesTheServerAndMediaFlowsBothWays) {
  Network net;
  net.connect();
  ASSERT_TRUE(net.server.media_ready());
  ASSERT_TRUE(net.client.media_ready());
  EXPECT_EQ(net.server.path(), kClientAddress);

  for (std::uint16_t sequence = 1; sequence <= 50; ++sequence) {
    ASSERT_TRUE(send_opus(net.client, sequence));
  }
  net.pump();
  ASSERT_EQ(net.at_server.size(), 50u);
  EXPECT_EQ(net.at_server[9], opus_packet(10));

  ASSERT_TRUE(send_opus(net.server, 7));
  net.pump();
  ASSERT_EQ(net.at_client.size(), 1u);
  EXPECT_EQ(net.at_client[0], opus_packet(7));
  EXPECT_EQ(net.server.counters().rtp_in, 50u);
  EXPECT_EQ(net.server.counters().srtp_auth_failed, 0u);
  EXPECT_EQ(net.server.counters().srtp_replayed, 0u);
}

TEST(MediaTransport, DataChannelsOpenOverTheSameTransport) {
  Network net;
  net.connect();
  ASSERT_NE(net.client.data_channels(), nullptr);
  for (int round = 0; round < 20 && !net.client.data_channels()->connected(); ++round) net.pump();
  const auto stream = net.client.data_channels()->open_channel("webvox");
  ASSERT_TRUE(stream.has_value());
  net.pump();
  ASSERT_TRUE(net.client.data_channels()->send_text(*stream, "hello"));
  net.pump();
  bool opened = false, got_hello = false;
  for (const auto& event : net.server_channel_events) {
    opened |= event.kind == SctpAssociation::Event::Kind::ChannelOpened && event.label == "webvox";
    got_hello |= event.kind == SctpAssociation::Event::Kind::Message &&
                 std::string(event.data.begin(), event.data.end()) == "hello";
  }
  EXPECT_TRUE(opened);
  EXPECT_TRUE(got_hello);
}

TEST(MediaTransport, ChecksWithTheWrongPasswordNominateNothing) {
  Network net;
  IceControllingChecks impostor(net.client_ice, {"srvU", "not-the-server-password"});
  const auto outcome =
      stun::respond_to_stun(impostor.next_request(), kClientAddress, net, stun::IceClock::now());
  EXPECT_TRUE(std::holds_alternative<stun::CheckRejected>(outcome));
  EXPECT_FALSE(net.server.path().has_value());
}

TEST(MediaTransport, MediaBeforeTheHandshakeIsDroppedNotDecrypted) {
  Network net;
  auto packet = opus_packet(1);
  net.server.on_datagram(packet);
  EXPECT_EQ(net.server.counters().media_before_keys, 1u);
  EXPECT_EQ(net.server.counters().unknown_kind, 0u);
  EXPECT_TRUE(net.at_server.empty());
  // Neither DTLS nor RTP: a reason of its own.
  std::vector<std::uint8_t> junk{0xFF, 0x00, 0x01};
  net.server.on_datagram(junk);
  EXPECT_EQ(net.server.counters().unknown_kind, 1u);
  EXPECT_EQ(net.server.counters().media_before_keys, 1u);
}

TEST(MediaTransport, AHandshakeWithNoPathYetIsCountedAsNoPath) {
  Network net;
  // The DTLS client's first flight has nowhere to go before a path is chosen.
  net.client.start_dtls();
  EXPECT_GE(net.client.counters().no_path, 1u);
  EXPECT_TRUE(net.client.take_outgoing().empty());
  EXPECT_EQ(net.client.counters().unknown_kind, 0u);
  EXPECT_EQ(net.client.counters().media_before_keys, 0u);
}

TEST(MediaTransport, ForgedSrtpIsCountedAndDropped) {
  Network net;
  net.connect();
  ASSERT_TRUE(send_opus(net.client, 3));
  auto datagrams = net.client.take_outgoing();
  ASSERT_EQ(datagrams.size(), 1u);
  datagrams[0].bytes[20] ^= 0x40;
  net.server.on_datagram(datagrams[0].bytes);
  EXPECT_EQ(net.server.counters().srtp_auth_failed, 1u);
  EXPECT_EQ(net.server.counters().srtp_replayed, 0u);
  EXPECT_TRUE(net.at_server.empty());
}

TEST(MediaTransport, ReplayedSrtpIsCountedApartFromForgedSrtp) {
  Network net;
  net.connect();
  ASSERT_TRUE(send_opus(net.client, 3));
  auto datagrams = net.client.take_outgoing();
  ASSERT_EQ(datagrams.size(), 1u);
  auto copy = datagrams[0].bytes;
  net.server.on_datagram(datagrams[0].bytes);
  ASSERT_EQ(net.at_server.size(), 1u);
  net.server.on_datagram(copy);  // the same packet again: a replay, not a forgery
  EXPECT_EQ(net.at_server.size(), 1u);
  EXPECT_EQ(net.server.counters().srtp_replayed, 1u);
  EXPECT_EQ(net.server.counters().srtp_auth_failed, 0u);
  EXPECT_EQ(net.server.counters().rtp_in, 1u);
}

TEST(MediaTransport, WithoutDataChannelsNoAssociationRunsAndSctpIsDropped) {
  Network net(/*server_data_channels=*/false);
  net.connect();
  ASSERT_TRUE(net.server.media_ready());
  EXPECT_EQ(net.server.data_channels(), nullptr);
  // The client still tries to associate: its SCTP INITs reach the server as DTLS data and are
  // dropped there, counted, instead of piling up.
  ASSERT_NE(net.client.data_channels(), nullptr);
  net.pump();
  EXPECT_GT(net.server.counters().stray_sctp, 0u);
  EXPECT_EQ(net.server.counters().late_dtls, 0u);
  EXPECT_EQ(net.server.counters().unknown_kind, 0u);
  EXPECT_FALSE(net.client.data_channels()->connected());

  ASSERT_TRUE(send_opus(net.client, 1));
  net.pump();
  ASSERT_EQ(net.at_server.size(), 1u);
  EXPECT_EQ(net.at_server[0], opus_packet(1));
}

TEST(MediaTransport, WithoutDataChannelsTheHandshakeStateGoesWithTheFirstSrtp) {
  Network net(/*server_data_channels=*/false);
  net.connect();
  ASSERT_TRUE(net.server.media_ready());
  // Until the client shows it has the keys, a lost final flight may still need resending.
  EXPECT_FALSE(net.server.dtls_association_released());
  ASSERT_TRUE(send_opus(net.client, 1));
  net.pump();
  ASSERT_EQ(net.at_server.size(), 1u);
  EXPECT_TRUE(net.server.dtls_association_released());
  EXPECT_FALSE(net.client.dtls_association_released());  // it carries data channels

  // A late DTLS record is dropped and counted; media goes on both ways.
  const auto before = net.server.counters();
  std::vector<std::uint8_t> late_record{22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 9, 0, 1, 0};
  net.server.on_datagram(late_record);
  EXPECT_EQ(net.server.counters().late_dtls, before.late_dtls + 1);
  EXPECT_EQ(net.server.counters().stray_sctp, before.stray_sctp);
  EXPECT_EQ(net.server.counters().unknown_kind, before.unknown_kind);
  ASSERT_TRUE(send_opus(net.server, 2));
  ASSERT_TRUE(send_opus(net.client, 3));
  net.pump();
  ASSERT_EQ(net.at_client.size(), 1u);
  EXPECT_EQ(net.at_client[0], opus_packet(2));
  ASSERT_EQ(net.at_server.size(), 2u);
  EXPECT_EQ(net.at_server[1], opus_packet(3));
}
