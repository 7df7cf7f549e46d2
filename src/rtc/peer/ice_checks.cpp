#include "rtc/peer/ice_checks.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>
#include <variant>

#include "rtc/stun/message_integrity.hpp"
#include "rtc/stun/stun_message.hpp"
#include "rtc/stun/stun_writer.hpp"

namespace webvox::rtc {
namespace {

template <typename T>
T random_value() {
  T value{};
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&value), sizeof value) != 1) {
    throw std::runtime_error("no randomness for ICE");
  }
  return value;
}

// RFC 8445 §5.1.2.1 for a host candidate, component 1: type preference 126.
constexpr std::uint32_t kHostPriority = (126u << 24) | (65535u << 8) | 255u;
constexpr std::size_t kRememberedRequests = 16;

}  // namespace

IceControllingChecks::IceControllingChecks(stun::IceCredentials local, stun::IceCredentials remote)
    : local_(std::move(local)),
      remote_(std::move(remote)),
      tie_breaker_(random_value<std::uint64_t>()) {}

std::vector<std::uint8_t> IceControllingChecks::next_request() {
  const auto transaction = random_value<stun::TransactionId>();
  if (sent_.size() == kRememberedRequests) sent_.erase(sent_.begin());
  sent_.push_back(transaction);
  stun::StunMessageBuilder request(stun::kBindingMethod, stun::StunClass::Request, transaction);
  request.add_username(remote_.ufrag + ":" + local_.ufrag)
      .add_priority(kHostPriority)
      .add_ice_controlling(tie_breaker_)
      .add_use_candidate();
  return std::move(request).finish(remote_.password, true);
}

bool IceControllingChecks::accept_response(std::span<const std::uint8_t> datagram) const {
  const auto parsed = stun::parse_stun_message(datagram);
  const auto* message = (parsed ? &*parsed : nullptr);
  if (!message || !message->is(stun::kBindingMethod, stun::StunClass::SuccessResponse)) {
    return false;
  }
  if (std::find(sent_.begin(), sent_.end(), message->transaction_id) == sent_.end()) return false;
  return stun::check_message_integrity(*message, remote_.password) == stun::AttributeCheck::Valid;
}

std::optional<std::vector<std::uint8_t>> IceControllingChecks::answer_request(
    std::span<const std::uint8_t> datagram, const stun::TransportAddress& source) const {
  const auto parsed = stun::parse_stun_message(datagram);
  const auto* request = (parsed ? &*parsed : nullptr);
  if (!request || !request->is(stun::kBindingMethod, stun::StunClass::Request)) return std::nullopt;
  if (stun::check_fingerprint(*request) != stun::AttributeCheck::Valid) return std::nullopt;
  // The peer names us first: "our ufrag:its ufrag" (RFC 8445 §7.2.2), and signs with our password.
  if (!request->username || *request->username != local_.ufrag + ":" + remote_.ufrag)
    return std::nullopt;
  if (stun::check_message_integrity(*request, local_.password) != stun::AttributeCheck::Valid) {
    return std::nullopt;
  }
  if (request->ice_controlling) {
    return stun::write_binding_error(request->transaction_id, stun::StunErrorCode::RoleConflict,
                                     local_.password);
  }
  return stun::write_binding_success(request->transaction_id, source, local_.password);
}

}  // namespace webvox::rtc
