// Answering a plain STUN Binding request (RFC 8489 §6.3.1, no authentication): what a STUN
// client sends a STUN server to learn the address it is seen from, with neither USERNAME nor
// MESSAGE-INTEGRITY. Viewers gather their server-reflexive candidate this way from the
// simulator's StunServers, which may name webvoxd's media port (shared/spec/viewer-webrtc.md
// §2.1). No state and no I/O: the edge sends the returned bytes back to the source, and
// bounds how often (the source of a UDP request can be forged).
#pragma once

#include <cstdint>
#include <vector>

#include "rtc/stun/stun_message.hpp"
#include "rtc/stun/transport_address.hpp"

namespace webvox::rtc::stun {

// A Binding request that asks nothing of ICE: no USERNAME, no MESSAGE-INTEGRITY.
bool is_plain_binding_request(const StunMessage& message);

struct PlainBindingAnswer {
  std::vector<std::uint8_t> response;
  // The request carried comprehension-required attributes this server does not understand:
  // the response is a 420 listing them in UNKNOWN-ATTRIBUTES (RFC 8489 §6.3.1.1).
  bool unknown_attributes = false;
};

// A Binding success response with the source in XOR-MAPPED-ADDRESS, or a 420. Neither is
// signed (there is no shared key); FINGERPRINT is added when the request had one (§7.3). The
// success response is at most 52 bytes (IPv6 with FINGERPRINT), whatever the request.
// Precondition: is_plain_binding_request(request).
PlainBindingAnswer answer_plain_binding(const StunMessage& request, const TransportAddress& source);

}  // namespace webvox::rtc::stun
