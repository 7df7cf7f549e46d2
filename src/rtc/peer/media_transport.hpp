#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rtc/dtls/dtls_transport.hpp"
#include "rtc/peer/datagram_queue.hpp"
#include "rtc/sctp/sctp_association.hpp"
#include "rtc/srtp/srtp_session.hpp"
#include "rtc/stun/ice_lite_session.hpp"
#include "rtc/stun/transport_address.hpp"

namespace webvox::rtc {

struct MediaTransportSettings {
  const DtlsCertificate* certificate = nullptr;
  DtlsRole dtls_role = DtlsRole::Server;
  std::string remote_fingerprint;  // sha-256, from the peer's SDP
  stun::IceCredentials local_ice;  // ours, as our SDP announces them
  std::string remote_ufrag;        // the peer's ice-ufrag
  // Runs an SCTP association once DTLS is up. Only when the SDP negotiated data channels:
  // an association nobody uses still costs each session usrsctp's socket and buffers.
  bool data_channels = true;
};

// Everything one WebRTC peer connection needs on the server's side of one path, above the
// socket: ICE-lite state, DTLS-SRTP, and data channels over SCTP. The UDP edge hands it the
// datagrams that belong to it (STUN it answers itself, through ice()), and sends what
// drain_outgoing() hands it; nothing here owns a socket or reads a clock. One thread drives it.
class MediaTransport {
 public:
  using Datagram = DatagramQueue::Datagram;
  struct Handlers {
    std::function<void()> connected;                           // SRTP keys ready
    std::function<void(std::span<std::uint8_t>)> rtp;          // decrypted in place
    std::function<void(std::span<std::uint8_t>)> rtcp;         // decrypted in place
    std::function<void(SctpAssociation::Event)> data_channel;  // opened, message, closed
  };
  // Every packet that goes nowhere is counted under its own reason.
  struct Counters {
    std::uint64_t rtp_in = 0, rtp_out = 0, rtcp_in = 0;
    // Inbound SRTP/SRTCP refused: seen before (or older than the replay window), failed
    // authentication (forged, corrupted, other keys), or anything else (too short, a stream
    // beyond the table's bound).
    std::uint64_t srtp_replayed = 0, srtp_auth_failed = 0, srtp_unprotect_failed = 0;
    // Outbound packets SRTP could not protect (no room for the trailer, libcrypto).
    std::uint64_t srtp_protect_failed = 0;
    // Dropped before SRTP: a DTLS record after the handshake state was freed, media before the
    // keys, a datagram that is neither DTLS nor RTP/RTCP, SCTP data with no association to take
    // it (data channels not negotiated), something to send before a path exists.
    std::uint64_t late_dtls = 0, media_before_keys = 0, unknown_kind = 0, stray_sctp = 0,
                  no_path = 0;

    Counters& operator+=(const Counters& other);
  };

  MediaTransport(MediaTransportSettings settings, Handlers handlers);

  stun::IceLiteSession& ice() { return ice_; }
  // Where media goes: the path ICE nominated (server), or the one a client chose.
  std::optional<stun::TransportAddress> path() const;
  void set_path(const stun::TransportAddress& address) { chosen_path_ = address; }

  // The DTLS client starts the handshake once its path works.
  void start_dtls();
  // A DTLS or SRTP/SRTCP datagram from the peer; `datagram` is decrypted in place.
  void on_datagram(std::span<std::uint8_t> datagram);
  // DTLS retransmissions; call every few tens of milliseconds.
  void on_tick();

  // Encrypts the first `length` bytes of `buffer` in place (it needs SrtpSession::kMaxTrailer
  // bytes of room after them) and queues the packet; false before SRTP is ready.
  bool send_rtp(std::span<std::uint8_t> buffer, std::size_t length);
  bool send_rtcp(std::span<std::uint8_t> buffer, std::size_t length);
  // Data channels, once `connected` has fired.
  SctpAssociation* data_channels() { return sctp_.get(); }

  // Hands each queued datagram to `send(const stun::TransportAddress&, std::span<const
  // std::uint8_t>)`, in order, and empties the queue. The queue keeps its buffers for the next
  // packets, so forwarding allocates nothing per packet; `send` must copy what it keeps.
  template <typename Send>
  void drain_outgoing(Send&& send) {
    if (sctp_) flush_sctp();
    for (const auto& datagram : outgoing_.queued()) {
      send(datagram.to, std::span<const std::uint8_t>(datagram.bytes));
    }
    outgoing_.clear();
  }
  // The same, as owned copies: for tests and tools that keep the datagrams.
  std::vector<Datagram> take_outgoing();
  bool media_ready() const { return srtp_out_ != nullptr; }
  DtlsTransport::State dtls_state() const { return dtls_.state(); }
  // Without data channels, the DTLS association is freed once the peer's first SRTP shows it
  // has the keys (DtlsTransport::release_association).
  bool dtls_association_released() const { return dtls_.association_released(); }
  const Counters& counters() const { return counters_; }

 private:
  void after_dtls_input();
  void on_dtls_connected();
  void flush_sctp();
  void queue(std::span<const std::uint8_t> bytes);
  bool send_protected(std::span<std::uint8_t> buffer, std::size_t length, bool rtcp);

  Handlers handlers_;
  stun::IceLiteSession ice_;
  std::optional<stun::TransportAddress> chosen_path_;
  DtlsRole dtls_role_;
  bool data_channels_;
  DtlsTransport dtls_;
  std::unique_ptr<SrtpSession> srtp_in_;
  std::unique_ptr<SrtpSession> srtp_out_;
  std::unique_ptr<SctpAssociation> sctp_;
  DatagramQueue outgoing_;
  Counters counters_;
};

}  // namespace webvox::rtc
