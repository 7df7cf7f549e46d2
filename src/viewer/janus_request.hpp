// What os-webrtc-janus POSTs to the Janus REST API: the body's envelope ("janus", "transaction",
// "apisecret", "session_id", "handle_id"), read as Janus's core reads it
// (janus-gateway src/janus.c janus_process_incoming_request, src/transports/janus_http.c), and
// the path segments that address sessions and handles.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/expected.hpp"
#include "viewer/janus_api_error.hpp"

namespace webvox::viewer {

// The top-level requests this door knows; anything else is Janus's 453 "Unknown request".
enum class JanusVerb {
  Create,
  Attach,
  Destroy,
  Detach,
  Message,
  Trickle,
  Keepalive,
  Info,
  Ping,
  ListSessions,  // admin API only
  Unknown,
};

struct JanusEnvelope {
  nlohmann::json root;  // the whole body, an object
  JanusVerb verb = JanusVerb::Unknown;
  std::string verb_text;  // as sent, for "Unknown request '…'"
  std::string transaction;
  // Ids in the body. Janus reads them only when they are JSON integers; ids exceed 2^53, so
  // they are read exactly. A present handle_id of 0 is kept (Janus answers it with 459).
  std::optional<std::uint64_t> session_id;
  std::optional<std::uint64_t> handle_id;
  std::optional<std::string> apisecret;     // "apisecret", when a string
  std::optional<std::string> admin_secret;  // "admin_secret", when a string
};

// A body that is not a Janus request, with what Janus answers it with. Janus leaves the
// transaction out of these replies (it has not validated one yet) but keeps a body session_id.
struct EnvelopeError {
  JanusFailure failure;
  std::uint64_t session_id = 0;
};

using EnvelopeParse = base::Expected<JanusEnvelope, EnvelopeError>;

// Parses a POST body: 454 for text that is not JSON (or longer than max_bytes), 455 for JSON
// that is not an object, 456/467 when "transaction" or "janus" is missing or not a string.
EnvelopeParse parse_janus_envelope(std::string_view body, std::size_t max_bytes);

// A session or handle id in a URL path: 1-20 decimal digits, nonzero, at most 2^64 - 1.
std::optional<std::uint64_t> parse_janus_id_segment(std::string_view segment);

}  // namespace webvox::viewer
