// Answering ICE connectivity checks as a lite agent (RFC 8445 §2.5, §7.3): verify a Binding
// request, answer it, and tell the edge whether it nominated the path. The edge sends the
// returned bytes back to where the request came from; nothing here touches a socket.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "rtc/stun/ice_lite_session.hpp"
#include "rtc/stun/ice_session_lookup.hpp"
#include "rtc/stun/stun_message.hpp"
#include "rtc/stun/transport_address.hpp"

namespace webvox::rtc::stun {

// A valid check: send `response` (a Binding success). `nominated` when it carried
// USE-CANDIDATE, making `source` the session's selected path.
struct CheckAccepted {
  std::vector<std::uint8_t> response;
  IceLiteSession* session = nullptr;
  bool nominated = false;
};

enum class RejectionReason {
  MissingCredentials,        // 400: no USERNAME or no MESSAGE-INTEGRITY
  UnknownUsername,           // 401: no session with that ufrag, or the remote half is wrong
  BadIntegrity,              // 401: wrong password or altered message
  UnknownRequiredAttribute,  // 420
  RoleConflict,              // 487: the peer claims to be controlled too
};

// An error response to send back.
struct CheckRejected {
  std::vector<std::uint8_t> response;
  RejectionReason reason;
};

enum class DropReason {
  Malformed,      // not a STUN message
  NoFingerprint,  // ICE puts FINGERPRINT on every message; without it, not ours
  BadFingerprint,
  NotBindingRequest,  // indications (keepalives), responses, other methods: nothing to answer
};

// Nothing to send.
struct CheckDropped {
  DropReason reason;
};

// Not a check: a plain Binding request (no USERNAME, no MESSAGE-INTEGRITY) from a STUN client,
// answered with its mapped address or a 420 (plain_binding.hpp). Send `response` back unless
// the edge's bound on unauthenticated answers says otherwise.
struct BindingAnswered {
  std::vector<std::uint8_t> response;
  bool unknown_attributes = false;  // the response is a 420
};

using CheckOutcome = std::variant<CheckAccepted, CheckRejected, CheckDropped, BindingAnswered>;

// Answers a Binding request already parsed and routed to `session` (fingerprint checked).
CheckOutcome answer_binding_request(const StunMessage& request, IceLiteSession& session,
                                    const TransportAddress& source, IceTime now);

// The whole path for one STUN datagram or ICE-TCP frame: parse, check FINGERPRINT, find the
// session by USERNAME, authenticate, answer. A plain Binding request is answered whether or
// not it carries FINGERPRINT (a STUN client need not add one; a wrong one is still dropped);
// every other message without FINGERPRINT is dropped, as ICE puts it on all of its own.
CheckOutcome respond_to_stun(std::span<const std::uint8_t> packet, const TransportAddress& source,
                             IceSessionLookup& sessions, IceTime now);

std::string_view to_string(RejectionReason reason);
std::string_view to_string(DropReason reason);

}  // namespace webvox::rtc::stun
