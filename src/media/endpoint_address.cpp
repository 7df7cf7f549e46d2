#include "media/endpoint_address.hpp"

#include <algorithm>

namespace webvox::media {
namespace {

rtc::stun::TransportAddress from(const boost::asio::ip::address& address, std::uint16_t port,
                                 rtc::stun::TransportProtocol protocol) {
  auto result = address.is_v4()
                    ? rtc::stun::TransportAddress::ipv4(address.to_v4().to_bytes(), port)
                    : rtc::stun::TransportAddress::ipv6(address.to_v6().to_bytes(), port);
  result.protocol = protocol;
  return result;
}

}  // namespace

rtc::stun::TransportAddress to_transport_address(const boost::asio::ip::udp::endpoint& endpoint) {
  return from(endpoint.address(), endpoint.port(), rtc::stun::TransportProtocol::Udp);
}

rtc::stun::TransportAddress to_transport_address(const boost::asio::ip::tcp::endpoint& endpoint) {
  return from(endpoint.address(), endpoint.port(), rtc::stun::TransportProtocol::Tcp);
}

boost::asio::ip::udp::endpoint to_endpoint(const rtc::stun::TransportAddress& address) {
  namespace ip = boost::asio::ip;
  if (address.family == rtc::stun::AddressFamily::IPv4) {
    ip::address_v4::bytes_type bytes;
    std::copy_n(address.address.begin(), 4, bytes.begin());
    return {ip::address_v4(bytes), address.port};
  }
  ip::address_v6::bytes_type bytes;
  std::copy_n(address.address.begin(), 16, bytes.begin());
  return {ip::address_v6(bytes), address.port};
}

}  // namespace webvox::media
