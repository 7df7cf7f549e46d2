// webvoxd's forwarding service end to end in one process: an offer in a browser's shape gets
// an answer with UDP and ICE-TCP candidates, a client built from webvox's own pieces
// (controlling ICE, DTLS client, SRTP) connects over either, and the server's RTCP receiver
// reports reach it with what a browser computes its round-trip time and loss from.
#include <gtest/gtest.h>

#include <boost/asio/write.hpp>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <variant>

#include "app/sfu_service.hpp"
#include "media/endpoint_address.hpp"
#include "media_test_support.hpp"
#include "rtc/peer/ice_checks.hpp"
#include "rtc/rtp/ntp_time.hpp"
#include "rtc/rtp/rtcp_packet.hpp"
#include "rtc/rtp/rtcp_report.hpp"
#include "rtc/rtp/rtcp_report_compound.hpp"
#include "rtc/sdp/sdp_parser.hpp"
#include "rtc/stun/ice_tcp_framing.hpp"
#include "rtc/stun/packet_classifier.hpp"
#include "signalling/peer_link.hpp"

using namespace webvox;
namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

namespace {

constexpr std::uint32_t kMicrophone = 1001234567;

// Collects what the service says to the member; it calls from its media thread.
class RecordingLink final : public signalling::PeerLink {
 public:
  void send(std::string json) override {
    std::lock_guard lock(mutex_);
    messages_.push_back(nlohmann::json::parse(json));
    changed_.notify_all();
  }
  void close(std::uint16_t, std::string) override {}
  nlohmann::json wait_for(const std::string& type) {
    std::unique_lock lock(mutex_);
    nlohmann::json found;
    changed_.wait_for(lock, std::chrono::seconds(10), [&] {
      for (const auto& message : messages_) {
        if (message.value("type", "") == type) found = message;
      }
      return !found.is_null();
    });
    return found;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<nlohmann::json> messages_;
};

// The microphone and one receive slot, as webvox's browser client offers them.
std::string browser_offer(const rtc::stun::IceCredentials& ice, const std::string& fingerprint) {
  std::string sdp =
      "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
      "a=group:BUNDLE 0 1\r\na=extmap-allow-mixed\r\na=msid-semantic: WMS s1\r\n";
  for (int mid = 0; mid < 2; ++mid) {
    sdp +=
        "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n"
        "a=ice-ufrag:" +
        ice.ufrag + "\r\na=ice-pwd:" + ice.password +
        "\r\n"
        "a=ice-options:trickle\r\na=fingerprint:sha-256 " +
        fingerprint +
        "\r\n"
        "a=setup:actpass\r\na=mid:" +
        std::to_string(mid) +
        "\r\n"
        "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n" +
        (mid == 0 ? "a=sendonly\r\n" : "a=recvonly\r\n") +
        "a=rtcp-mux\r\na=rtcp-rsize\r\na=rtpmap:111 opus/48000/2\r\n"
        "a=fmtp:111 minptime=10;useinbandfec=1\r\n";
    if (mid == 0)
      sdp +=
          "a=msid:s1 t1\r\na=ssrc:" + std::to_string(kMicrophone) + " cname:Yq3mZ8vT2kLp9wXa\r\n";
  }
  return sdp;
}

struct Answer {
  rtc::stun::IceCredentials ice;
  std::uint16_t udp_port = 0;
  std::optional<std::uint16_t> tcp_port;
  std::string text;
};

Answer read_answer(const std::string& text) {
  Answer answer;
  answer.text = text;
  const auto parsed = rtc::sdp::parse_session_description(text);
  EXPECT_TRUE(parsed) << text;
  if (!parsed) return answer;
  const auto& audio = parsed->media.at(0);
  answer.ice = {audio.transport.ice_ufrag.value_or(""), audio.transport.ice_pwd.value_or("")};
  for (const auto& candidate : audio.candidates) {
    if (candidate.transport == rtc::sdp::CandidateTransport::Udp) answer.udp_port = candidate.port;
    if (candidate.transport == rtc::sdp::CandidateTransport::Tcp) {
      EXPECT_EQ(candidate.tcp_type, rtc::sdp::TcpType::Passive);
      answer.tcp_port = candidate.port;
    }
  }
  return answer;
}

// What the client saw of the server's reports about its microphone.
struct SeenReports {
  int compounds = 0;
  std::optional<rtc::rtp::ReportBlock> latest;
};

void read_reports(std::span<const std::uint8_t> compound, SeenReports& seen) {
  ++seen.compounds;
  rtc::rtp::RtcpCompoundReader reader(compound);
  while (const auto packet = reader.next()) {
    rtc::rtp::ReportBlocks blocks;
    if (packet->packet_type == rtc::rtp::rtcp_type::kReceiverReport) {
      blocks = rtc::rtp::parse_receiver_report(*packet)->report_blocks;
    } else if (packet->packet_type == rtc::rtp::rtcp_type::kSenderReport) {
      blocks = rtc::rtp::parse_sender_report(*packet)->report_blocks;
    }
    for (std::size_t i = 0; i < blocks.size(); ++i) {
      if (blocks[i].ssrc == kMicrophone) seen.latest = blocks[i];
    }
  }
}

enum class Path { Udp, Tcp };

// A member's browser, reduced to the pieces that matter on the wire.
struct Client {
  asio::io_context io;
  rtc::DtlsCertificate certificate = rtc::DtlsCertificate::generate();
  rtc::stun::IceCredentials ice{"cliA", "clientpasswordabcdefgh12"};
  std::shared_ptr<RecordingLink> link = std::make_shared<RecordingLink>();
  SeenReports seen;
  std::unique_ptr<rtc::MediaTransport> transport;
  std::unique_ptr<rtc::IceControllingChecks> checks;
  std::optional<udp::socket> udp_socket;
  std::optional<tcp::socket> tcp_socket;
  udp::endpoint server_udp;
  tcp::endpoint server_tcp;
  rtc::stun::IceTcpDeframer deframer;
  std::array<std::uint8_t, 4096> buffer{};
  udp::endpoint from;
  bool ice_ok = false;

  void connect(const Answer& answer, const std::string& server_fingerprint, Path path) {
    transport = std::make_unique<rtc::MediaTransport>(
        rtc::MediaTransportSettings{&certificate, rtc::DtlsRole::Client, server_fingerprint, ice,
                                    answer.ice.ufrag},
        rtc::MediaTransport::Handlers{
            nullptr, nullptr,
            [this](std::span<std::uint8_t> packet) { read_reports(packet, seen); }, nullptr});
    checks = std::make_unique<rtc::IceControllingChecks>(ice, answer.ice);
    const auto loopback = asio::ip::make_address("127.0.0.1");
    if (path == Path::Udp) {
      server_udp = {loopback, answer.udp_port};
      udp_socket.emplace(io, udp::endpoint{loopback, 0});
      read_udp();
      udp_socket->send_to(asio::buffer(checks->next_request()), server_udp);
    } else {
      server_tcp = {loopback, *answer.tcp_port};
      tcp_socket.emplace(io);
      tcp_socket->connect(server_tcp);
      read_tcp();
      send_packet(checks->next_request());
    }
  }

  void send_packet(std::span<const std::uint8_t> packet) {
    if (udp_socket) {
      udp_socket->send_to(asio::buffer(packet.data(), packet.size()), server_udp);
    } else {
      const auto framed = rtc::stun::frame_packet(packet).value();
      asio::write(*tcp_socket, asio::buffer(framed));
    }
  }

  void on_packet(std::span<std::uint8_t> packet) {
    if (rtc::stun::classify_packet(packet) == rtc::stun::PacketKind::Stun) {
      if (checks->accept_response(packet) && !ice_ok) {
        ice_ok = true;
        transport->set_path(udp_socket ? media::to_transport_address(server_udp)
                                       : media::to_transport_address(server_tcp));
        transport->start_dtls();
      }
    } else {
      transport->on_datagram(packet);
    }
    flush();
  }

  void read_udp() {
    udp_socket->async_receive_from(asio::buffer(buffer), from,
                                   [this](auto error, std::size_t size) {
                                     if (error) return;
                                     on_packet(std::span(buffer.data(), size));
                                     read_udp();
                                   });
  }

  void read_tcp() {
    tcp_socket->async_read_some(asio::buffer(buffer), [this](auto error, std::size_t size) {
      if (error) return;
      auto fed = deframer.feed(std::span(buffer.data(), size));
      for (auto& frame : fed.value()) on_packet(frame);
      read_tcp();
    });
  }

  void flush() {
    for (const auto& datagram : transport->take_outgoing()) send_packet(datagram.bytes);
  }

  bool run_until(const std::function<bool()>& done,
                 std::chrono::seconds limit = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io.run_for(std::chrono::milliseconds(10));
      if (transport) {
        transport->on_tick();
        flush();
      }
    }
    return done();
  }

  void send_rtp(std::uint16_t sequence) {
    auto packet = media::test::opus_packet(sequence, kMicrophone);
    const auto length = packet.size();
    packet.resize(length + rtc::SrtpSession::kMaxTrailer);
    ASSERT_TRUE(transport->send_rtp(packet, length));
  }

  rtc::rtp::SenderInfo send_sender_report() {
    const auto ntp = rtc::rtp::to_ntp(std::chrono::system_clock::now());
    const rtc::rtp::SenderInfo info{ntp.seconds, ntp.fraction, 48000, 50, 4000};
    std::vector<std::uint8_t> compound(200);
    const auto length =
        *rtc::rtp::write_report_compound(compound, kMicrophone, info, {}, "Yq3mZ8vT2kLp9wXa");
    compound.resize(length + rtc::SrtpSession::kMaxTrailer);
    EXPECT_TRUE(transport->send_rtcp(compound, length));
    return info;
  }
};

app::SfuService::Settings service_settings() {
  app::SfuService::Settings settings;
  settings.listen = {asio::ip::make_address("127.0.0.1"), 0};
  settings.advertised_addresses = {"127.0.0.1"};
  settings.slots = 1;
  return settings;
}

std::string fingerprint_of(const std::string& sdp) {
  const auto at = sdp.find("a=fingerprint:sha-256 ");
  return sdp.substr(at + 22, sdp.find('\r', at) - at - 22);
}

// The client's browser-shaped offer as member-a of channel 1; the sfu-answer message (null if
// none came).
nlohmann::json negotiate(app::SfuService& service, Client& client) {
  service.negotiate(1, {}, "member-a", core::Role::Participant,
                    browser_offer(client.ice, client.certificate.fingerprint()), client.link, 1);
  return client.link->wait_for("sfu-answer");
}

class SfuServiceMedia : public ::testing::TestWithParam<Path> {};

}  // namespace

TEST(SfuServiceAnswer, OffersPassiveTcpCandidatesAndKeepsOpusFec) {
  app::SfuService service(service_settings());
  Client client;
  const auto message = negotiate(service, client);
  ASSERT_FALSE(message.is_null());
  const auto answer = read_answer(message["sdp"]);
  ASSERT_TRUE(answer.tcp_port);
  EXPECT_NE(*answer.tcp_port, 0);  // the port the system picked, as the service bound it
  EXPECT_EQ(service.tcp_port(), answer.tcp_port);
  EXPECT_NE(answer.text.find(" tcp "), std::string::npos);
  EXPECT_NE(answer.text.find("typ host tcptype passive"), std::string::npos);
  // Opus in-band FEC survives forwarding only if the answer keeps it on.
  EXPECT_NE(answer.text.find("a=fmtp:111 minptime=10;useinbandfec=1"), std::string::npos);
}

TEST(SfuServiceAnswer, NoTcpCandidatesWhenTheFallbackIsOff) {
  auto settings = service_settings();
  settings.tcp_port.reset();
  app::SfuService service(settings);
  Client client;
  const auto message = negotiate(service, client);
  ASSERT_FALSE(message.is_null());
  EXPECT_FALSE(read_answer(message["sdp"]).tcp_port);
  EXPECT_FALSE(service.tcp_port());
}

TEST_P(SfuServiceMedia, ReceiverReportsAboutTheMicrophoneReachTheSender) {
  app::SfuService service(service_settings());
  Client client;
  const auto message = negotiate(service, client);
  ASSERT_FALSE(message.is_null());
  const std::string sdp = message["sdp"];
  client.connect(read_answer(sdp), fingerprint_of(sdp), GetParam());
  ASSERT_TRUE(client.run_until([&] { return client.transport->media_ready(); }));

  for (std::uint16_t sequence = 100; sequence < 150; ++sequence) client.send_rtp(sequence);
  const auto our_report = client.send_sender_report();
  const auto sent_at = std::chrono::steady_clock::now();
  client.flush();
  // The server's next RR echoes our SR: LSR is its middle bits, DLSR the time it held it.
  ASSERT_TRUE(client.run_until([&] {
    return client.seen.latest && client.seen.latest->last_sender_report == our_report.compact_ntp();
  })) << client.seen.compounds
      << " compounds";
  const auto round_trip = std::chrono::steady_clock::now() - sent_at;
  const auto& block = *client.seen.latest;
  EXPECT_EQ(block.extended_highest_sequence_number, 149u);
  EXPECT_EQ(block.cumulative_lost, 0);
  const double held = block.delay_since_last_sender_report / 65536.0;
  EXPECT_GE(held, 0.0);
  EXPECT_LE(held, std::chrono::duration<double>(round_trip).count() + 0.01);
}

INSTANTIATE_TEST_SUITE_P(OverEachPath, SfuServiceMedia, ::testing::Values(Path::Udp, Path::Tcp),
                         [](const auto& info) { return info.param == Path::Udp ? "Udp" : "Tcp"; });
