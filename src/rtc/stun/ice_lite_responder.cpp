#include "rtc/stun/ice_lite_responder.hpp"

#include <optional>

#include "rtc/stun/message_integrity.hpp"
#include "rtc/stun/plain_binding.hpp"
#include "rtc/stun/stun_writer.hpp"

namespace webvox::rtc::stun {
namespace {

CheckRejected reject(const StunMessage& request, RejectionReason reason, StunErrorCode code,
                     std::optional<std::string_view> password,
                     std::span<const std::uint16_t> unknown = {}) {
  return {write_binding_error(request.transaction_id, code, password, unknown), reason};
}

CheckRejected reject_unauthenticated(const StunMessage& request, RejectionReason reason) {
  const auto code = reason == RejectionReason::MissingCredentials ? StunErrorCode::BadRequest
                                                                  : StunErrorCode::Unauthorized;
  return reject(request, reason, code, std::nullopt);
}

bool names_session(const UsernameParts& username, const IceLiteSession& session) {
  if (username.local_ufrag != session.local().ufrag) return false;
  return session.remote_ufrag().empty() || username.remote_ufrag == session.remote_ufrag();
}

}  // namespace

CheckOutcome answer_binding_request(const StunMessage& request, IceLiteSession& session,
                                    const TransportAddress& source, IceTime now) {
  if (!request.username || !request.message_integrity_offset) {
    return reject_unauthenticated(request, RejectionReason::MissingCredentials);
  }
  const auto username = split_username(*request.username);
  if (!username || !names_session(*username, session)) {
    return reject_unauthenticated(request, RejectionReason::UnknownUsername);
  }
  const std::string_view password = session.local().password;
  if (check_message_integrity(request, password) != AttributeCheck::Valid) {
    return reject_unauthenticated(request, RejectionReason::BadIntegrity);
  }
  // From here the request is authenticated, so errors carry MESSAGE-INTEGRITY (RFC 8489 §9.1.4).
  if (!request.unknown_comprehension_required.empty()) {
    return reject(request, RejectionReason::UnknownRequiredAttribute,
                  StunErrorCode::UnknownAttribute, password,
                  request.unknown_comprehension_required);
  }
  // A lite agent is always controlled (RFC 8445 §6.1.1) and cannot take the controlling role
  // the tie-breaker rule (§7.3.1.1) would hand it: 487 makes the full agent switch instead.
  if (request.ice_controlled) {
    return reject(request, RejectionReason::RoleConflict, StunErrorCode::RoleConflict, password);
  }
  const bool nominated = request.use_candidate;
  session.on_valid_check(source, nominated, now);
  return CheckAccepted{write_binding_success(request.transaction_id, source, password), &session,
                       nominated};
}

CheckOutcome respond_to_stun(std::span<const std::uint8_t> packet, const TransportAddress& source,
                             IceSessionLookup& sessions, IceTime now) {
  const auto parsed = parse_stun_message(packet);
  const auto* request = (parsed ? &*parsed : nullptr);
  if (request == nullptr) return CheckDropped{DropReason::Malformed};
  const auto fingerprint = check_fingerprint(*request);
  if (fingerprint == AttributeCheck::Mismatch) return CheckDropped{DropReason::BadFingerprint};
  if (is_plain_binding_request(*request)) {
    auto answer = answer_plain_binding(*request, source);
    return BindingAnswered{std::move(answer.response), answer.unknown_attributes};
  }
  if (fingerprint == AttributeCheck::Missing) return CheckDropped{DropReason::NoFingerprint};
  if (!request->is(kBindingMethod, StunClass::Request)) {
    return CheckDropped{DropReason::NotBindingRequest};
  }
  if (!request->username || !request->message_integrity_offset) {
    return reject_unauthenticated(*request, RejectionReason::MissingCredentials);
  }
  const auto username = split_username(*request->username);
  IceLiteSession* session = username ? sessions.find(username->local_ufrag) : nullptr;
  if (session == nullptr) {
    return reject_unauthenticated(*request, RejectionReason::UnknownUsername);
  }
  return answer_binding_request(*request, *session, source, now);
}

std::string_view to_string(RejectionReason reason) {
  switch (reason) {
    case RejectionReason::MissingCredentials:
      return "missing USERNAME or MESSAGE-INTEGRITY";
    case RejectionReason::UnknownUsername:
      return "unknown username";
    case RejectionReason::BadIntegrity:
      return "MESSAGE-INTEGRITY mismatch";
    case RejectionReason::UnknownRequiredAttribute:
      return "unknown comprehension-required attribute";
    case RejectionReason::RoleConflict:
      return "role conflict";
  }
  return "rejected";
}

std::string_view to_string(DropReason reason) {
  switch (reason) {
    case DropReason::Malformed:
      return "malformed";
    case DropReason::NoFingerprint:
      return "no FINGERPRINT";
    case DropReason::BadFingerprint:
      return "FINGERPRINT mismatch";
    case DropReason::NotBindingRequest:
      return "not a Binding request";
  }
  return "dropped";
}

}  // namespace webvox::rtc::stun
