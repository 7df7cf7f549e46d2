#include "rtc/stun/transport_address.hpp"

#include <arpa/inet.h>

#include <algorithm>

namespace webvox::rtc::stun {

TransportAddress TransportAddress::ipv4(std::array<std::uint8_t, 4> octets, std::uint16_t port) {
  TransportAddress result;
  result.family = AddressFamily::IPv4;
  std::copy(octets.begin(), octets.end(), result.address.begin());
  result.port = port;
  return result;
}

TransportAddress TransportAddress::ipv6(std::array<std::uint8_t, 16> octets, std::uint16_t port) {
  TransportAddress result;
  result.family = AddressFamily::IPv6;
  result.address = octets;
  result.port = port;
  return result;
}

std::string TransportAddress::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  const int af = family == AddressFamily::IPv4 ? AF_INET : AF_INET6;
  if (inet_ntop(af, address.data(), text, sizeof text) == nullptr) return "?";
  const std::string host = family == AddressFamily::IPv4 ? text : "[" + std::string(text) + "]";
  const std::string text_form = host + ":" + std::to_string(port);
  return protocol == TransportProtocol::Tcp ? "tcp:" + text_form : text_form;
}

}  // namespace webvox::rtc::stun
