// DTLS-SRTP handshakes between two in-memory transports: keys, fingerprints, loss, garbage.
#include <gtest/gtest.h>

#include <thread>

#include "dtls_pair.hpp"

using namespace webvox::rtc;
using webvox::rtc::testing::DtlsPair;
using State = DtlsTransport::State;

TEST(DtlsTransport, HandshakeAgreesOnSrtpKeys) {
  DtlsPair pair;
  pair.client.start();
  pair.pump();
  ASSERT_TRUE(pair.connected()) << pair.client.failure() << " / " << pair.server.failure();
  const auto& client = *pair.client.srtp_keying();
  const auto& server = *pair.server.srtp_keying();
  EXPECT_EQ(client.profile, SrtpProfile::AeadAes128Gcm);  // the preferred profile
  EXPECT_EQ(client.local.key, server.remote.key);
  EXPECT_EQ(client.local.salt, server.remote.salt);
  EXPECT_EQ(client.remote.key, server.local.key);
  EXPECT_EQ(client.local.key.size(), 16u);
  EXPECT_EQ(client.local.salt.size(), 12u);
  EXPECT_NE(client.local.key, client.remote.key);
  EXPECT_LE(pair.largest_datagram, static_cast<std::size_t>(DtlsTransport::kMtu));
  EXPECT_FALSE(pair.client.next_timeout().has_value());
}

TEST(DtlsTransport, FingerprintsAreSha256InSdpForm) {
  const auto certificate = DtlsCertificate::generate();
  const auto& fingerprint = certificate.fingerprint();
  EXPECT_EQ(fingerprint.size(), 32u * 3 - 1);
  for (std::size_t i = 2; i < fingerprint.size(); i += 3) EXPECT_EQ(fingerprint[i], ':');
  EXPECT_NE(fingerprint, DtlsCertificate::generate().fingerprint());
}

TEST(DtlsTransport, AWrongFingerprintFailsTheHandshake) {
  const auto client_certificate = DtlsCertificate::generate();
  const auto server_certificate = DtlsCertificate::generate();
  const auto impostor = DtlsCertificate::generate();
  DtlsTransport client(client_certificate, DtlsRole::Client, server_certificate.fingerprint());
  DtlsTransport server(server_certificate, DtlsRole::Server, impostor.fingerprint());
  client.start();
  for (int round = 0; round < 10; ++round) {
    for (const auto& d : client.take_outgoing()) server.receive(d);
    for (const auto& d : server.take_outgoing()) client.receive(d);
  }
  EXPECT_EQ(server.state(), State::Failed);
  EXPECT_NE(server.failure().find("fingerprint"), std::string::npos);
  EXPECT_FALSE(server.srtp_keying().has_value());
}

TEST(DtlsTransport, FingerprintCaseDoesNotMatter) {
  DtlsPair pair;
  std::string lower = pair.server_certificate.fingerprint();
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  DtlsTransport client(pair.client_certificate, DtlsRole::Client, lower);
  client.start();
  for (int round = 0; round < 10; ++round) {
    for (const auto& d : client.take_outgoing()) pair.server.receive(d);
    for (const auto& d : pair.server.take_outgoing()) client.receive(d);
  }
  EXPECT_EQ(client.state(), State::Connected) << client.failure();
}

TEST(DtlsTransport, ALostFlightIsSentAgainOnTimeout) {
  DtlsPair pair;
  bool dropped = false;
  pair.lose = [&](const auto&) { return !std::exchange(dropped, true); };  // the ClientHello
  pair.client.start();
  pair.pump();
  EXPECT_EQ(pair.server.state(), State::New);
  const auto timeout = pair.client.next_timeout();
  ASSERT_TRUE(timeout.has_value());
  EXPECT_LE(*timeout, std::chrono::milliseconds(1000));
  // OpenSSL's timer runs on the wall clock: wait for it rather than assume it.
  while (pair.client.next_timeout() > std::chrono::milliseconds(0)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pair.client.on_timeout();
  pair.pump();
  EXPECT_TRUE(pair.connected()) << pair.client.failure();
}

TEST(DtlsTransport, GarbageIsIgnoredAndTheHandshakeGoesOn) {
  DtlsPair pair;
  pair.client.start();
  const std::vector<std::uint8_t> junk(300, 0x16);  // looks like a handshake record, isn't
  pair.server.receive(junk);
  pair.server.receive(std::vector<std::uint8_t>{0x17, 0xfe});
  pair.pump();
  EXPECT_TRUE(pair.connected()) << pair.server.failure();
}

TEST(DtlsTransport, CarriesApplicationDataBothWays) {
  DtlsPair pair;
  pair.client.start();
  pair.pump();
  ASSERT_TRUE(pair.connected());
  const std::vector<std::uint8_t> hello{'s', 'c', 't', 'p'};
  EXPECT_TRUE(pair.client.send(hello));
  EXPECT_TRUE(pair.server.send(std::vector<std::uint8_t>(1000, 7)));
  pair.pump();
  const auto at_server = pair.server.take_received();
  ASSERT_EQ(at_server.size(), 1u);
  EXPECT_EQ(at_server[0], hello);
  const auto at_client = pair.client.take_received();
  ASSERT_EQ(at_client.size(), 1u);
  EXPECT_EQ(at_client[0].size(), 1000u);
}

TEST(DtlsTransport, CloseNotifyClosesThePeer) {
  DtlsPair pair;
  pair.client.start();
  pair.pump();
  ASSERT_TRUE(pair.connected());
  pair.client.close();
  pair.pump();
  EXPECT_EQ(pair.client.state(), State::Closed);
  EXPECT_EQ(pair.server.state(), State::Closed);
  EXPECT_FALSE(pair.client.send(std::vector<std::uint8_t>{1}));
}

TEST(DtlsTransport, AReleasedAssociationKeepsItsKeysAndIgnoresDatagrams) {
  DtlsPair pair;
  pair.client.start();
  pair.pump();
  ASSERT_TRUE(pair.connected());
  const auto keys = pair.server.srtp_keying();
  pair.server.release_association();
  EXPECT_TRUE(pair.server.association_released());
  EXPECT_EQ(pair.server.state(), State::Connected);
  ASSERT_TRUE(pair.server.srtp_keying().has_value());
  EXPECT_EQ(pair.server.srtp_keying()->local.key, keys->local.key);
  EXPECT_FALSE(pair.server.send(std::vector<std::uint8_t>{1}));
  // The client's data (or a retransmitted flight) reaches nothing and breaks nothing.
  EXPECT_TRUE(pair.client.send(std::vector<std::uint8_t>{'h', 'i'}));
  pair.pump();
  EXPECT_TRUE(pair.server.take_received().empty());
  EXPECT_EQ(pair.server.state(), State::Connected);
  pair.server.close();
  EXPECT_EQ(pair.server.state(), State::Closed);
}

TEST(DtlsTransport, OnlyAConnectedAssociationIsReleased) {
  DtlsPair pair;
  pair.client.start();
  pair.client.release_association();  // mid-handshake: must be ignored
  EXPECT_FALSE(pair.client.association_released());
  pair.pump();
  EXPECT_TRUE(pair.connected());
}
