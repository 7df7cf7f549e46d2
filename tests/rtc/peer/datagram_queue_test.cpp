#include <gtest/gtest.h>

#include <unordered_set>

#include "rtc/peer/datagram_queue.hpp"

using namespace webvox::rtc;
using stun::TransportAddress;

TEST(DatagramQueue, KeepsCopiesInOrderUntilCleared) {
  DatagramQueue queue;
  const auto a = TransportAddress::ipv4({192, 0, 2, 1}, 5000);
  const auto b = TransportAddress::ipv4({192, 0, 2, 2}, 5001);
  std::vector<std::uint8_t> first{1, 2, 3};
  queue.push(a, first);
  first[0] = 9;  // the queue holds its own copy
  queue.push(b, std::vector<std::uint8_t>{4});
  ASSERT_EQ(queue.size(), 2u);
  EXPECT_EQ(queue.queued()[0].to, a);
  EXPECT_EQ(queue.queued()[0].bytes, (std::vector<std::uint8_t>{1, 2, 3}));
  EXPECT_EQ(queue.queued()[1].to, b);
  queue.clear();
  EXPECT_TRUE(queue.empty());
  queue.push(b, std::vector<std::uint8_t>{7, 7});
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue.queued()[0].bytes, (std::vector<std::uint8_t>{7, 7}));
}

TEST(DatagramQueue, ReusesItsBuffersAfterClearing) {
  DatagramQueue queue;
  const auto to = TransportAddress::ipv4({192, 0, 2, 1}, 5000);
  const std::vector<std::uint8_t> packet(120, 0x55);
  queue.push(to, packet);
  const auto* buffer = queue.queued()[0].bytes.data();
  queue.clear();
  queue.push(to, packet);
  EXPECT_EQ(queue.queued()[0].bytes.data(), buffer);
}

TEST(TransportAddressHash, EqualPathsHashAlikeAndProtocolsStayApart) {
  auto udp = TransportAddress::ipv4({10, 0, 0, 1}, 3478);
  auto tcp = udp;
  tcp.protocol = stun::TransportProtocol::Tcp;
  const stun::TransportAddressHash hash;
  EXPECT_EQ(hash(udp), hash(TransportAddress::ipv4({10, 0, 0, 1}, 3478)));
  std::unordered_set<TransportAddress, stun::TransportAddressHash> paths{udp, tcp};
  EXPECT_EQ(paths.size(), 2u);
  EXPECT_EQ(paths.count(TransportAddress::ipv4({10, 0, 0, 1}, 3479)), 0u);
}
