// An IP address and port as the edge saw them on a socket, kept as network-order bytes so the
// STUN code needs no socket types.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>

namespace webvox::rtc::stun {

enum class AddressFamily : std::uint8_t { IPv4 = 0x01, IPv6 = 0x02 };  // STUN's own codes

// RFC 8445 §3 makes the protocol part of a transport address: a UDP and an ICE-TCP path from
// the same IP and port are different paths, and media must leave on the one nominated.
enum class TransportProtocol : std::uint8_t { Udp, Tcp };

struct TransportAddress {
  AddressFamily family = AddressFamily::IPv4;
  std::array<std::uint8_t, 16> address{};  // IPv4 uses the first four bytes, the rest stay zero
  std::uint16_t port = 0;
  TransportProtocol protocol = TransportProtocol::Udp;

  static TransportAddress ipv4(std::array<std::uint8_t, 4> octets, std::uint16_t port);
  static TransportAddress ipv6(std::array<std::uint8_t, 16> octets, std::uint16_t port);

  std::size_t address_size() const { return family == AddressFamily::IPv4 ? 4 : 16; }
  // "192.0.2.1:32853", "[2001:db8::1]:443"; TCP paths are prefixed "tcp:".
  std::string to_string() const;

  friend bool operator==(const TransportAddress&, const TransportAddress&) = default;
};

// For keying maps by path: routing looks one up for every datagram received.
struct TransportAddressHash {
  std::size_t operator()(const TransportAddress& address) const noexcept {
    std::uint64_t hash = 1469598103934665603ull;  // FNV-1a
    const auto mix = [&hash](std::uint8_t byte) { hash = (hash ^ byte) * 1099511628211ull; };
    for (std::size_t i = 0; i < address.address_size(); ++i) mix(address.address[i]);
    mix(static_cast<std::uint8_t>(address.port >> 8));
    mix(static_cast<std::uint8_t>(address.port));
    mix(static_cast<std::uint8_t>(address.protocol));
    return static_cast<std::size_t>(hash);
  }
};

inline std::ostream& operator<<(std::ostream& out, const TransportAddress& address) {
  return out << address.to_string();
}

}  // namespace webvox::rtc::stun
