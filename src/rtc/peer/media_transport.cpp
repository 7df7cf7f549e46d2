#include "rtc/peer/media_transport.hpp"

#include <utility>

#include "rtc/rtp/rtcp_packet.hpp"
#include "rtc/stun/packet_classifier.hpp"

namespace webvox::rtc {

MediaTransport::MediaTransport(MediaTransportSettings settings, Handlers handlers)
    : handlers_(std::move(handlers)),
      ice_(std::move(settings.local_ice), std::move(settings.remote_ufrag)),
      dtls_role_(settings.dtls_role),
      data_channels_(settings.data_channels),
      dtls_(*settings.certificate, settings.dtls_role, std::move(settings.remote_fingerprint)) {}

MediaTransport::Counters& MediaTransport::Counters::operator+=(const Counters& other) {
  rtp_in += other.rtp_in;
  rtp_out += other.rtp_out;
  rtcp_in += other.rtcp_in;
  srtp_replayed += other.srtp_replayed;
  srtp_auth_failed += other.srtp_auth_failed;
  srtp_unprotect_failed += other.srtp_unprotect_failed;
  srtp_protect_failed += other.srtp_protect_failed;
  late_dtls += other.late_dtls;
  media_before_keys += other.media_before_keys;
  unknown_kind += other.unknown_kind;
  stray_sctp += other.stray_sctp;
  no_path += other.no_path;
  return *this;
}

std::optional<stun::TransportAddress> MediaTransport::path() const {
  return chosen_path_ ? chosen_path_ : ice_.nominated_address();
}

void MediaTransport::start_dtls() {
  dtls_.start();
  after_dtls_input();
}

void MediaTransport::on_datagram(std::span<std::uint8_t> datagram) {
  switch (stun::classify_packet(datagram)) {
    case stun::PacketKind::Dtls:
      if (dtls_.association_released()) {
        ++counters_.late_dtls;  // a late retransmission: the handshake is long done
        return;
      }
      dtls_.receive(datagram);
      return after_dtls_input();
    case stun::PacketKind::Rtp: {
      if (!srtp_in_) {
        ++counters_.media_before_keys;  // media before the keys: nothing to decrypt it with
        return;
      }
      const bool rtcp = rtp::is_rtcp(datagram);
      const auto result =
          rtcp ? srtp_in_->unprotect_rtcp(datagram) : srtp_in_->unprotect_rtp(datagram);
      if (!result) {
        switch (result.error()) {
          case SrtpError::Replayed:
            ++counters_.srtp_replayed;
            break;
          case SrtpError::AuthenticationFailed:
            ++counters_.srtp_auth_failed;
            break;
          default:
            ++counters_.srtp_unprotect_failed;
            break;
        }
        return;
      }
      const auto plain = datagram.first(*result);
      // The peer only protects with keys from a finished handshake, so it will not retransmit
      // a flight any more: what is left of the association is dead weight.
      if (!data_channels_ && !dtls_.association_released()) dtls_.release_association();
      if (rtcp) {
        ++counters_.rtcp_in;
        if (handlers_.rtcp) handlers_.rtcp(plain);
      } else {
        ++counters_.rtp_in;
        if (handlers_.rtp) handlers_.rtp(plain);
      }
      return;
    }
    default:
      ++counters_.unknown_kind;
      return;
  }
}

void MediaTransport::on_tick() {
  const auto timeout = dtls_.next_timeout();
  if (timeout && timeout->count() == 0) {
    dtls_.on_timeout();
    after_dtls_input();
  }
}

void MediaTransport::after_dtls_input() {
  for (const auto& datagram : dtls_.take_outgoing()) queue(datagram);
  if (dtls_.state() == DtlsTransport::State::Connected && !srtp_out_) on_dtls_connected();
  // Application data is SCTP; without data channels it is dropped, never left to pile up.
  auto received = dtls_.take_received();
  if (sctp_) {
    for (const auto& packet : received) sctp_->receive(packet);
    flush_sctp();
  } else {
    counters_.stray_sctp += received.size();
  }
}

void MediaTransport::on_dtls_connected() {
  const auto& keying = *dtls_.srtp_keying();
  srtp_in_ =
      std::make_unique<SrtpSession>(keying.profile, keying.remote, SrtpSession::Direction::Inbound);
  srtp_out_ =
      std::make_unique<SrtpSession>(keying.profile, keying.local, SrtpSession::Direction::Outbound);
  if (data_channels_) {
    sctp_ = std::make_unique<SctpAssociation>(dtls_role_);
    sctp_->connect();
  }
  if (handlers_.connected) handlers_.connected();
}

void MediaTransport::flush_sctp() {
  // SCTP and DTLS feed each other (acks answer data): loop until both are quiet.
  for (;;) {
    auto packets = sctp_->take_outgoing();
    if (packets.empty()) break;
    for (const auto& packet : packets) dtls_.send(packet);
    for (const auto& datagram : dtls_.take_outgoing()) queue(datagram);
  }
  for (auto& event : sctp_->take_events()) {
    if (handlers_.data_channel) handlers_.data_channel(std::move(event));
  }
}

void MediaTransport::queue(std::span<const std::uint8_t> bytes) {
  const auto to = path();
  if (!to) {
    ++counters_.no_path;  // no path yet: DTLS retransmits once there is one
    return;
  }
  outgoing_.push(*to, bytes);
}

bool MediaTransport::send_protected(std::span<std::uint8_t> buffer, std::size_t length, bool rtcp) {
  if (!srtp_out_) return false;
  const auto result =
      rtcp ? srtp_out_->protect_rtcp(buffer, length) : srtp_out_->protect_rtp(buffer, length);
  if (!result) {
    ++counters_.srtp_protect_failed;
    return false;
  }
  if (!rtcp) ++counters_.rtp_out;
  queue(buffer.first(*result));
  return true;
}

bool MediaTransport::send_rtp(std::span<std::uint8_t> buffer, std::size_t length) {
  return send_protected(buffer, length, false);
}

bool MediaTransport::send_rtcp(std::span<std::uint8_t> buffer, std::size_t length) {
  return send_protected(buffer, length, true);
}

std::vector<MediaTransport::Datagram> MediaTransport::take_outgoing() {
  std::vector<Datagram> taken;
  drain_outgoing([&](const stun::TransportAddress& to, std::span<const std::uint8_t> bytes) {
    taken.push_back({to, {bytes.begin(), bytes.end()}});
  });
  return taken;
}

}  // namespace webvox::rtc
