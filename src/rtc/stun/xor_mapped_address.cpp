#include "rtc/stun/xor_mapped_address.hpp"

#include "base/big_endian.hpp"

namespace webvox::rtc::stun {
namespace {

constexpr std::size_t kFamilyAndPortSize = 4;

// The 16 bytes an address is XORed with: the cookie, then the transaction id (IPv6 only
// reaches into it).
std::array<std::uint8_t, 16> xor_pad(const TransactionId& transaction_id) {
  std::array<std::uint8_t, 16> pad{};
  pad[0] = static_cast<std::uint8_t>(kMagicCookie >> 24);
  pad[1] = static_cast<std::uint8_t>(kMagicCookie >> 16);
  pad[2] = static_cast<std::uint8_t>(kMagicCookie >> 8);
  pad[3] = static_cast<std::uint8_t>(kMagicCookie);
  std::copy(transaction_id.begin(), transaction_id.end(), pad.begin() + 4);
  return pad;
}

std::optional<AddressFamily> family_of(std::uint8_t code) {
  if (code == static_cast<std::uint8_t>(AddressFamily::IPv4)) return AddressFamily::IPv4;
  if (code == static_cast<std::uint8_t>(AddressFamily::IPv6)) return AddressFamily::IPv6;
  return std::nullopt;
}

}  // namespace

std::optional<TransportAddress> decode_xor_mapped_address(std::span<const std::uint8_t> value,
                                                          const TransactionId& transaction_id) {
  if (value.size() < kFamilyAndPortSize) return std::nullopt;
  const auto family = family_of(value[1]);
  if (!family) return std::nullopt;
  TransportAddress result;
  result.family = *family;
  if (value.size() != kFamilyAndPortSize + result.address_size()) return std::nullopt;
  result.port =
      static_cast<std::uint16_t>(base::big_endian::read_u16(value, 2) ^ (kMagicCookie >> 16));
  const auto pad = xor_pad(transaction_id);
  for (std::size_t i = 0; i < result.address_size(); ++i) {
    result.address[i] = value[kFamilyAndPortSize + i] ^ pad[i];
  }
  return result;
}

std::vector<std::uint8_t> encode_xor_mapped_address(const TransportAddress& address,
                                                    const TransactionId& transaction_id) {
  std::vector<std::uint8_t> value;
  value.push_back(0);
  value.push_back(static_cast<std::uint8_t>(address.family));
  base::big_endian::append_u16(value,
                               static_cast<std::uint16_t>(address.port ^ (kMagicCookie >> 16)));
  const auto pad = xor_pad(transaction_id);
  for (std::size_t i = 0; i < address.address_size(); ++i) {
    value.push_back(address.address[i] ^ pad[i]);
  }
  return value;
}

}  // namespace webvox::rtc::stun
