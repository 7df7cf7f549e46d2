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

struct TransportAddress {
  AddressFamily family = AddressFamily::IPv4;
  std::array<std::uint8_t, 16> address{};  // IPv4 uses the first four bytes, the rest stay zero
  std::uint16_t port = 0;

  static TransportAddress ipv4(std::array<std::uint8_t, 4> octets, std::uint16_t port);
  static TransportAddress ipv6(std::array<std::uint8_t, 16> octets, std::uint16_t port);

  std::size_t address_size() const { return family == AddressFamily::IPv4 ? 4 : 16; }
  std::string to_string() const;  // "192.0.2.1:32853", "[2001:db8::1]:443"

  friend bool operator==(const TransportAddress&, const TransportAddress&) = default;
};

inline std::ostream& operator<<(std::ostream& out, const TransportAddress& address) {
  return out << address.to_string();
}

}  // namespace webvox::rtc::stun
