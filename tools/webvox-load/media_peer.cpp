#include "media_peer.hpp"

#include <openssl/rand.h>

#include <stdexcept>

#include "rtc/stun/packet_classifier.hpp"
#include "timestamped_receive.hpp"

namespace webvox::load {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

// Until the path works a check goes out this often (browsers pace theirs at 50 ms too); after,
// one now and then keeps consent fresh (RFC 7675: a server drops a silent path after 30 s).
constexpr auto kCheckInterval = std::chrono::milliseconds(50);
constexpr auto kConsentInterval = std::chrono::seconds(5);

// ICE ufrag/pwd characters (RFC 8839 §5.4): letters and digits are always allowed.
std::string ice_token(std::size_t length) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::array<unsigned char, 64> random{};
  if (length > random.size() || RAND_bytes(random.data(), static_cast<int>(length)) != 1) {
    throw std::runtime_error("no randomness for ICE credentials");
  }
  std::string token(length, 'A');
  for (std::size_t i = 0; i < length; ++i) token[i] = kAlphabet[random[i] % (sizeof kAlphabet - 1)];
  return token;
}

udp::endpoint to_endpoint(const rtc::stun::TransportAddress& address) {
  asio::ip::address_v4::bytes_type bytes{};
  std::copy_n(address.address.begin(), 4, bytes.begin());
  return {asio::ip::address_v4(bytes), address.port};
}

}  // namespace

rtc::sdp::Fingerprint sdp_fingerprint(const rtc::DtlsCertificate& certificate) {
  const auto parsed =
      rtc::sdp::parse_fingerprint(std::string(rtc::sdp::kSha256) + " " + certificate.fingerprint());
  if (!parsed) throw std::runtime_error("our DTLS certificate's fingerprint does not parse");
  return parsed.value();
}

MediaPeer::MediaPeer(MediaContext& context, std::uint64_t session_id)
    : context_(context),
      socket_(context.io, udp::endpoint(asio::ip::make_address_v4(context.bind_address), 0)) {
  socket_.non_blocking(true);
  // Bursts of forwarded packets must not overflow the default receive buffer while this
  // single-threaded client is busy with other sockets: that would be the client's loss.
  socket_.set_option(asio::socket_base::receive_buffer_size(1 << 20));
  enable_receive_timestamps(socket_);
  local_ = {{ice_token(8), ice_token(24)},
            context.fingerprint,
            context.bind_address,
            socket_.local_endpoint().port(),
            session_id};
  wait_for_datagrams();
}

MediaPeer::~MediaPeer() { stop(); }

void MediaPeer::connect(const RemoteEndpoint& remote, bool data_channels) {
  remote_ = remote;
  // a=setup:active on the other side makes it the DTLS client (RFC 5763 §5).
  dtls_client_ = remote.setup != rtc::sdp::SetupRole::Active;
  checks_ = std::make_unique<rtc::IceControllingChecks>(local_.ice, remote.ice);
  transport_ = std::make_unique<rtc::MediaTransport>(
      rtc::MediaTransportSettings{&context_.certificate,
                                  dtls_client_ ? rtc::DtlsRole::Client : rtc::DtlsRole::Server,
                                  remote.fingerprint, local_.ice, remote.ice.ufrag, data_channels},
      rtc::MediaTransport::Handlers{handlers_.connected,
                                    [this](std::span<std::uint8_t> packet) { on_rtp(packet); },
                                    nullptr, handlers_.data_channel});
  next_check_ = Clock::now();
  tick(next_check_);
}

void MediaPeer::tick(Clock::time_point now) {
  if (!checks_ || stopped_) return;
  if (now >= next_check_) {
    send_datagram(remote_->address, checks_->next_request());
    next_check_ =
        now + std::chrono::duration_cast<Clock::duration>(
                  path_confirmed_ ? std::chrono::milliseconds(kConsentInterval) : kCheckInterval);
  }
  transport_->on_tick();
  flush();
}

void MediaPeer::send_probe(std::uint32_t speaker, std::uint32_t ssrc,
                           std::uint8_t level_minus_dbov) {
  if (!ready() || stopped_) return;
  const ProbeHeader probe{speaker, sequence_++, monotonic_ns()};
  if (context_.window.contains(probe.sent_ns)) ++sent_in_window_;
  const auto length =
      write_probe_packet(send_buffer_, context_.shape, ssrc, probe, level_minus_dbov);
  if (transport_->send_rtp(send_buffer_, length)) flush();
}

bool MediaPeer::send_rtp(std::span<std::uint8_t> buffer, std::size_t length) {
  if (!ready() || stopped_ || !transport_->send_rtp(buffer, length)) return false;
  flush();
  return true;
}

std::optional<std::uint16_t> MediaPeer::open_channel(const std::string& label) {
  auto* channels = transport_ && !stopped_ ? transport_->data_channels() : nullptr;
  if (!channels) return std::nullopt;
  const auto stream = channels->open_channel(label);
  flush();
  return stream;
}

bool MediaPeer::send_text(std::uint16_t stream, std::string_view text) {
  auto* channels = transport_ && !stopped_ ? transport_->data_channels() : nullptr;
  if (!channels || !channels->send_text(stream, text)) return false;
  flush();
  return true;
}

std::optional<std::string> MediaPeer::failure() const {
  if (transport_ && transport_->dtls_state() == rtc::DtlsTransport::State::Failed) {
    return std::string("DTLS failed");
  }
  return std::nullopt;
}

void MediaPeer::wait_for_datagrams() {
  // Readiness, then drain: one wake-up reads every datagram queued on the socket.
  socket_.async_wait(udp::socket::wait_read, [this](const boost::system::error_code& error) {
    if (error || stopped_) return;
    while (const auto datagram = receive_timestamped(socket_, receive_buffer_)) {
      arrived_at_ns_ = datagram->arrived_ns;
      read_at_ns_ = monotonic_ns();
      on_datagram({receive_buffer_.data(), datagram->size}, datagram->from);
    }
    flush();
    wait_for_datagrams();
  });
}

void MediaPeer::on_datagram(std::span<std::uint8_t> datagram, const udp::endpoint& from) {
  if (!transport_) return;
  if (rtc::stun::classify_packet(datagram) == rtc::stun::PacketKind::Stun) {
    if (checks_->accept_response(datagram)) {
      if (!path_confirmed_) {
        path_confirmed_ = true;
        transport_->set_path(remote_->address);
        if (dtls_client_) transport_->start_dtls();
      }
    } else if (from.address().is_v4()) {
      const auto source =
          rtc::stun::TransportAddress::ipv4(from.address().to_v4().to_bytes(), from.port());
      if (const auto answer = checks_->answer_request(datagram, source))
        send_datagram(source, *answer);
    }
    return;
  }
  transport_->on_datagram(datagram);
}

void MediaPeer::on_rtp(std::span<const std::uint8_t> packet) {
  if (handlers_.rtp) return handlers_.rtp(packet, arrived_at_ns_);
  const auto probe = read_probe(packet);
  if (!probe) return;
  ++probes_received_;
  if (!context_.window.contains(probe->sent_ns)) return;
  const auto since_sent = [&](std::uint64_t at) {
    return at > probe->sent_ns ? at - probe->sent_ns : 0;
  };
  context_.latency.record(since_sent(arrived_at_ns_));
  context_.read_latency.record(since_sent(read_at_ns_));
  loss_.record(probe->speaker, probe->sequence);
}

void MediaPeer::send_datagram(const rtc::stun::TransportAddress& to,
                              std::span<const std::uint8_t> bytes) {
  boost::system::error_code ignored;  // a full socket buffer is loss, which the receivers count
  socket_.send_to(asio::buffer(bytes.data(), bytes.size()), to_endpoint(to), 0, ignored);
}

void MediaPeer::flush() {
  if (!transport_) return;
  transport_->drain_outgoing(
      [this](const rtc::stun::TransportAddress& to, std::span<const std::uint8_t> bytes) {
        send_datagram(to, bytes);
      });
}

void MediaPeer::stop() {
  if (stopped_) return;
  stopped_ = true;
  boost::system::error_code ignored;
  socket_.close(ignored);
}

}  // namespace webvox::load
