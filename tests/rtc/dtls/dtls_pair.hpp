#pragma once

#include <functional>

#include "rtc/dtls/dtls_transport.hpp"

namespace webvox::rtc::testing {

// Two transports wired back to back in memory; `lose` may drop datagrams in flight.
struct DtlsPair {
  DtlsCertificate client_certificate = DtlsCertificate::generate();
  DtlsCertificate server_certificate = DtlsCertificate::generate();
  DtlsTransport client{client_certificate, DtlsRole::Client, server_certificate.fingerprint()};
  DtlsTransport server{server_certificate, DtlsRole::Server, client_certificate.fingerprint()};
  std::function<bool(const std::vector<std::uint8_t>&)> lose = [](const auto&) { return false; };
  std::size_t largest_datagram = 0;

  // Delivers everything waiting, both ways, until nothing moves; returns datagrams delivered.
  std::size_t pump() {
    std::size_t delivered = 0;
    for (bool moved = true; moved;) {
      moved = deliver(client, server, delivered) | deliver(server, client, delivered);
    }
    return delivered;
  }

  bool connected() const {
    return client.state() == DtlsTransport::State::Connected &&
           server.state() == DtlsTransport::State::Connected;
  }

 private:
  bool deliver(DtlsTransport& from, DtlsTransport& to, std::size_t& delivered) {
    auto datagrams = from.take_outgoing();
    for (const auto& datagram : datagrams) {
      largest_datagram = std::max(largest_datagram, datagram.size());
      if (lose(datagram)) continue;
      to.receive(datagram);
      ++delivered;
    }
    return !datagrams.empty();
  }
};

}  // namespace webvox::rtc::testing
