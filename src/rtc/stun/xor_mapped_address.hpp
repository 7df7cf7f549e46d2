// XOR-MAPPED-ADDRESS (RFC 8489 §14.2): the address is XORed with the magic cookie (and, for
// IPv6, the transaction id) so that NATs rewriting addresses in payloads leave it alone.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "rtc/stun/stun_constants.hpp"
#include "rtc/stun/transport_address.hpp"

namespace webvox::rtc::stun {

// nullopt for a value of the wrong size or an unknown family.
std::optional<TransportAddress> decode_xor_mapped_address(std::span<const std::uint8_t> value,
                                                          const TransactionId& transaction_id);

std::vector<std::uint8_t> encode_xor_mapped_address(const TransportAddress& address,
                                                    const TransactionId& transaction_id);

}  // namespace webvox::rtc::stun
