// What the media edge tests share: a recognisable Opus-sized RTP packet and a server
// transport that echoes every RTP packet back to its sender, as a forwarding room does for
// one listener.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "rtc/dtls/dtls_certificate.hpp"
#include "rtc/peer/media_transport.hpp"
#include "rtc/srtp/srtp_session.hpp"
#include "rtp_test_packets.hpp"

namespace webvox::media::test {

inline std::vector<std::uint8_t> opus_packet(std::uint16_t sequence,
                                             std::uint32_t ssrc = 0x01020304) {
  return webvox::test::rtp_packet({111, false, sequence, 0, ssrc}, 80,
                                  static_cast<std::uint8_t>(sequence));
}

inline std::shared_ptr<rtc::MediaTransport> echo_transport(const rtc::DtlsCertificate& certificate,
                                                           const std::string& peer_fingerprint,
                                                           rtc::stun::IceCredentials local,
                                                           std::string remote_ufrag) {
  // The handler needs the transport it belongs to, which exists only after it is made.
  auto self = std::make_shared<std::weak_ptr<rtc::MediaTransport>>();
  auto transport = std::make_shared<rtc::MediaTransport>(
      rtc::MediaTransportSettings{&certificate, rtc::DtlsRole::Server, peer_fingerprint,
                                  std::move(local), std::move(remote_ufrag)},
      rtc::MediaTransport::Handlers{nullptr,
                                    [self](std::span<std::uint8_t> packet) {
                                      const auto transport = self->lock();
                                      std::vector<std::uint8_t> copy(packet.begin(), packet.end());
                                      copy.resize(packet.size() + rtc::SrtpSession::kMaxTrailer);
                                      if (transport) transport->send_rtp(copy, packet.size());
                                    },
                                    nullptr, nullptr});
  *self = transport;
  return transport;
}

}  // namespace webvox::media::test
