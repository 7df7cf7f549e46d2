// One WebRTC connection's media, client side, built from the project's pieces: its own UDP
// socket, controlling ICE checks (rtc::IceControllingChecks) towards a lite server, answering
// the server's own checks where it makes them (Janus's libnice does), DTLS in
// whichever role the other side's a=setup leaves us, SRTP, and data channels over SCTP when
// the negotiation kept them (rtc::MediaTransport). Sends probe packets when asked and records
// the probes it receives, or, given handlers, hands received RTP and data-channel events on
// and sends the caller's RTP. The signalling that produced the descriptions (webvoxd's
// WebSocket or viewer doors, Janus's HTTP API) lives elsewhere.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <array>
#include <functional>
#include <span>
#include <string_view>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "client_sdp.hpp"
#include "load_packet.hpp"
#include "load_stats.hpp"
#include "rtc/dtls/dtls_certificate.hpp"
#include "rtc/peer/ice_checks.hpp"
#include "rtc/peer/media_transport.hpp"

namespace webvox::load {

using Clock = std::chrono::steady_clock;  // CLOCK_MONOTONIC on Linux, as the probes carry it

inline std::uint64_t monotonic_ns(Clock::time_point t = Clock::now()) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count());
}

// The certificate's fingerprint as our SDP announces it.
rtc::sdp::Fingerprint sdp_fingerprint(const rtc::DtlsCertificate& certificate);

// What every connection of a run shares.
struct MediaContext {
  boost::asio::io_context& io;
  const rtc::DtlsCertificate& certificate;  // one per process, as a browser has
  rtc::sdp::Fingerprint fingerprint;        // the certificate's, for our descriptions
  std::string bind_address = "127.0.0.1";
  PacketShape shape;
  LatencyHistogram& latency;       // sent → reached our socket: what the server added
  LatencyHistogram& read_latency;  // sent → read by us: that, plus our own queueing
  const MeasurementWindow& window;
};

class MediaPeer {
 public:
  MediaPeer(MediaContext& context, std::uint64_t session_id);
  ~MediaPeer();
  MediaPeer(const MediaPeer&) = delete;
  MediaPeer& operator=(const MediaPeer&) = delete;

  // Our half of the SDP transport (ICE credentials, fingerprint, socket address).
  const ClientTransport& local() const { return local_; }
  // Instead of the probe bookkeeping (set before connect()): every decrypted RTP packet with
  // the time it reached the socket, the data channels' events, and the moment SRTP is keyed.
  struct Handlers {
    std::function<void(std::span<const std::uint8_t> rtp, std::uint64_t arrived_ns)> rtp;
    std::function<void(rtc::SctpAssociation::Event)> data_channel;
    std::function<void()> connected;
  };
  void set_handlers(Handlers handlers) { handlers_ = std::move(handlers); }

  // Starts checking towards the other side once its description arrived. `data_channels`:
  // the negotiation kept an m=application section (an SCTP association follows DTLS).
  void connect(const RemoteEndpoint& remote, bool data_channels = false);
  // ICE checks and DTLS retransmissions; call every few milliseconds.
  void tick(Clock::time_point now);
  // One probe from `speaker` on `ssrc`, once media is ready.
  void send_probe(std::uint32_t speaker, std::uint32_t ssrc, std::uint8_t level_minus_dbov);
  // A whole RTP packet in the first `length` bytes of `buffer` (with SrtpSession::kMaxTrailer
  // bytes of room after them), once media is ready.
  bool send_rtp(std::span<std::uint8_t> buffer, std::size_t length);
  // Data channels, once the association is up (Connected event).
  std::optional<std::uint16_t> open_channel(const std::string& label);
  bool send_text(std::uint16_t stream, std::string_view text);
  void stop();

  bool ready() const { return transport_ && transport_->media_ready(); }
  std::optional<std::string> failure() const;
  const StreamLoss& loss() const { return loss_; }
  std::uint64_t probes_received() const { return probes_received_; }
  std::uint64_t probes_sent() const { return sequence_; }
  std::uint64_t probes_sent_in_window() const { return sent_in_window_; }

 private:
  void wait_for_datagrams();
  void on_datagram(std::span<std::uint8_t> datagram, const boost::asio::ip::udp::endpoint& from);
  void on_rtp(std::span<const std::uint8_t> packet);
  void send_datagram(const rtc::stun::TransportAddress& to, std::span<const std::uint8_t> bytes);
  void flush();

  MediaContext& context_;
  Handlers handlers_;
  boost::asio::ip::udp::socket socket_;
  ClientTransport local_;
  std::optional<RemoteEndpoint> remote_;
  std::unique_ptr<rtc::IceControllingChecks> checks_;
  std::unique_ptr<rtc::MediaTransport> transport_;
  bool dtls_client_ = true;
  bool path_confirmed_ = false;
  Clock::time_point next_check_{};
  std::array<std::uint8_t, 2048> receive_buffer_{};
  std::array<std::uint8_t, 1500> send_buffer_{};
  std::uint64_t arrived_at_ns_ = 0;  // of the datagram being handled
  std::uint64_t read_at_ns_ = 0;
  std::uint32_t sequence_ = 0;
  std::uint64_t probes_received_ = 0;
  std::uint64_t sent_in_window_ = 0;
  StreamLoss loss_;
  bool stopped_ = false;
};

}  // namespace webvox::load
