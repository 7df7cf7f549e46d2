#include "rtc/stun/plain_binding.hpp"

#include "rtc/stun/stun_writer.hpp"

namespace webvox::rtc::stun {

bool is_plain_binding_request(const StunMessage& message) {
  return message.is(kBindingMethod, StunClass::Request) && !message.username &&
         !message.message_integrity_offset;
}

PlainBindingAnswer answer_plain_binding(const StunMessage& request,
                                        const TransportAddress& source) {
  const bool with_fingerprint = request.fingerprint_offset.has_value();
  if (!request.unknown_comprehension_required.empty()) {
    StunMessageBuilder builder(kBindingMethod, StunClass::ErrorResponse, request.transaction_id);
    builder.add_error_code(static_cast<std::uint16_t>(StunErrorCode::UnknownAttribute),
                           reason_phrase(StunErrorCode::UnknownAttribute));
    builder.add_unknown_attributes(request.unknown_comprehension_required);
    return {std::move(builder).finish(std::nullopt, with_fingerprint), true};
  }
  StunMessageBuilder builder(kBindingMethod, StunClass::SuccessResponse, request.transaction_id);
  builder.add_xor_mapped_address(source);
  return {std::move(builder).finish(std::nullopt, with_fingerprint), false};
}

}  // namespace webvox::rtc::stun
