// Socket endpoints as the STUN code's TransportAddress, which carries no socket types.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include "rtc/stun/transport_address.hpp"

namespace webvox::media {

rtc::stun::TransportAddress to_transport_address(const boost::asio::ip::udp::endpoint& endpoint);
rtc::stun::TransportAddress to_transport_address(const boost::asio::ip::tcp::endpoint& endpoint);
boost::asio::ip::udp::endpoint to_endpoint(const rtc::stun::TransportAddress& address);

}  // namespace webvox::media
