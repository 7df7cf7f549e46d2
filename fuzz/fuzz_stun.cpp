// STUN datagrams and ICE-TCP streams straight off the network: parsing must never crash, the
// RFC 7983 classifier must agree with the parser, what parses must re-serialise to the same
// message, the ICE-lite responder must answer consistently, and plain Binding requests (no
// USERNAME, no MESSAGE-INTEGRITY) get their source back in a small unsigned answer.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "fuzz_checks.hpp"
#include "rtc/stun/ice_lite_responder.hpp"
#include "rtc/stun/ice_tcp_framing.hpp"
#include "rtc/stun/message_integrity.hpp"
#include "rtc/stun/packet_classifier.hpp"
#include "rtc/stun/plain_binding.hpp"
#include "rtc/stun/stun_message.hpp"
#include "rtc/stun/stun_writer.hpp"

using namespace webvox::rtc::stun;
using webvox::fuzz::fail;

namespace {

constexpr std::string_view kPassword = "fuzz-password-0123456789";
const auto kSource = TransportAddress::ipv4({198, 51, 100, 1}, 3478);
const IceTime kNow{};

std::string_view as_text(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// Offsets are compared only when nothing was left out (attributes after MESSAGE-INTEGRITY
// are dropped, moving FINGERPRINT forward).
bool same_message(const StunMessage& a, const StunMessage& b) {
  const bool same_layout = a.bytes.size() == b.bytes.size();
  if (a.method != b.method || a.message_class != b.message_class ||
      a.transaction_id != b.transaction_id || a.attributes.size() != b.attributes.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.attributes.size(); ++i) {
    const auto& x = a.attributes[i];
    const auto& y = b.attributes[i];
    if (x.type != y.type || as_text(x.value) != as_text(y.value)) return false;
    if (same_layout && x.offset != y.offset) return false;
  }
  if (same_layout && (a.message_integrity_offset != b.message_integrity_offset ||
                      a.fingerprint_offset != b.fingerprint_offset)) {
    return false;
  }
  const auto error_of = [](const StunMessage& m) {
    return m.error_code ? std::optional(std::pair(m.error_code->code, m.error_code->reason))
                        : std::nullopt;
  };
  return error_of(a) == error_of(b) && a.username == b.username && a.priority == b.priority &&
         a.use_candidate == b.use_candidate && a.ice_controlling == b.ice_controlling &&
         a.ice_controlled == b.ice_controlled && a.xor_mapped_address == b.xor_mapped_address &&
         a.message_integrity_offset.has_value() == b.message_integrity_offset.has_value() &&
         a.fingerprint_offset.has_value() == b.fingerprint_offset.has_value() &&
         a.unknown_comprehension_required == b.unknown_comprehension_required;
}

void check_reserialisation(const StunMessage& message, std::span<const std::uint8_t> input) {
  const auto again = reserialize(message);
  const auto reparsed = parse_stun_message(again);
  const auto* copy = (reparsed ? &*reparsed : nullptr);
  if (copy == nullptr) fail("re-serialised message does not parse", as_text(input));
  if (!same_message(message, *copy)) fail("re-serialised message differs", as_text(input));
  if (reserialize(*copy) != again) fail("re-serialisation not stable", as_text(input));
}

// Returns the response's XOR-MAPPED-ADDRESS.
std::optional<TransportAddress> check_response(std::span<const std::uint8_t> response,
                                               const StunMessage& request, StunClass expected_class,
                                               std::span<const std::uint8_t> input) {
  const auto parsed = parse_stun_message(response);
  const auto* message = (parsed ? &*parsed : nullptr);
  if (message == nullptr) fail("response does not parse", as_text(input));
  if (!message->is(kBindingMethod, expected_class))
    fail("response of the wrong type", as_text(input));
  if (message->transaction_id != request.transaction_id)
    fail("response transaction id", as_text(input));
  if (check_fingerprint(*message) != AttributeCheck::Valid)
    fail("response fingerprint", as_text(input));
  return message->xor_mapped_address;
}

// The parsed attributes signed again with a known password, so that the authenticated paths
// of the responder are reached, not only the rejections of forged MACs.
void check_responder_on_signed_copy(const StunMessage& message,
                                    std::span<const std::uint8_t> input) {
  // Room for MESSAGE-INTEGRITY and FINGERPRINT within STUN's 64 KiB.
  if (!message.username || message.bytes.size() > 60000) return;
  const auto username = split_username(*message.username);
  if (!username) return;
  StunMessageBuilder builder(message.method, message.message_class, message.transaction_id);
  for (const auto& attr : message.attributes) {
    if (attr.type == attribute::kMessageIntegrity || attr.type == attribute::kFingerprint) break;
    builder.add_attribute(attr.type, attr.value);
  }
  const auto signed_request = std::move(builder).finish(kPassword, true);
  const auto reparsed = parse_stun_message(signed_request);
  const auto* request = (reparsed ? &*reparsed : nullptr);
  if (request == nullptr) fail("signed copy does not parse", as_text(input));

  IceSessionTable sessions;
  sessions.add(IceLiteSession({std::string(username->local_ufrag), std::string(kPassword)}));
  const auto outcome = respond_to_stun(signed_request, kSource, sessions, kNow);
  if (const auto* accepted = std::get_if<CheckAccepted>(&outcome)) {
    const auto mapped =
        check_response(accepted->response, *request, StunClass::SuccessResponse, input);
    if (mapped != kSource) fail("mapped address is not the source", as_text(input));
    if (accepted->nominated != request->use_candidate) fail("nomination", as_text(input));
  } else if (const auto* rejected = std::get_if<CheckRejected>(&outcome)) {
    if (rejected->reason == RejectionReason::BadIntegrity ||
        rejected->reason == RejectionReason::UnknownUsername) {
      fail("correctly signed check refused as unauthenticated", as_text(input));
    }
    (void)check_response(rejected->response, *request, StunClass::ErrorResponse, input);
  } else if (message.is(kBindingMethod, StunClass::Request)) {
    fail("correctly signed Binding request dropped", as_text(input));
  }
}

// What the responder answered to a plain Binding request: unsigned, to the same transaction,
// the source in a success (never more than 52 bytes), FINGERPRINT exactly when the request had
// one, a 420 only for unknown comprehension-required attributes.
void check_binding_answer(const BindingAnswered& answer, const StunMessage& request,
                          std::span<const std::uint8_t> input) {
  const auto parsed = parse_stun_message(answer.response);
  const auto* response = (parsed ? &*parsed : nullptr);
  if (response == nullptr) fail("binding answer does not parse", as_text(input));
  if (response->transaction_id != request.transaction_id)
    fail("binding answer transaction id", as_text(input));
  if (response->message_integrity_offset) fail("binding answer signed", as_text(input));
  const bool fingerprinted = check_fingerprint(*response) == AttributeCheck::Valid;
  if (fingerprinted != request.fingerprint_offset.has_value())
    fail("binding answer FINGERPRINT", as_text(input));
  if (answer.unknown_attributes != !request.unknown_comprehension_required.empty()) {
    fail("binding answer 420 without unknown attributes, or the reverse", as_text(input));
  }
  if (answer.unknown_attributes) {
    if (!response->is(kBindingMethod, StunClass::ErrorResponse) || !response->error_code ||
        response->error_code->code != 420) {
      fail("binding 420 is not a 420", as_text(input));
    }
    return;
  }
  if (!response->is(kBindingMethod, StunClass::SuccessResponse))
    fail("binding success type", as_text(input));
  if (response->xor_mapped_address != kSource)
    fail("binding answer maps elsewhere", as_text(input));
  if (answer.response.size() > 52) fail("binding success larger than 52 bytes", as_text(input));
}

// The parsed attributes without USERNAME, MESSAGE-INTEGRITY and FINGERPRINT, as a request with
// and without FINGERPRINT: a plain Binding request, which must be answered.
void check_plain_copy(const StunMessage& message, std::span<const std::uint8_t> input) {
  if (message.bytes.size() > 60000) return;
  for (const bool with_fingerprint : {false, true}) {
    StunMessageBuilder builder(kBindingMethod, StunClass::Request, message.transaction_id);
    for (const auto& attr : message.attributes) {
      if (attr.type == attribute::kMessageIntegrity || attr.type == attribute::kFingerprint) break;
      if (attr.type == attribute::kUsername) continue;
      builder.add_attribute(attr.type, attr.value);
    }
    const auto request_bytes = std::move(builder).finish(std::nullopt, with_fingerprint);
    const auto reparsed = parse_stun_message(request_bytes);
    const auto* request = (reparsed ? &*reparsed : nullptr);
    if (request == nullptr) fail("plain copy does not parse", as_text(input));
    if (!is_plain_binding_request(*request)) fail("plain copy is not plain", as_text(input));
    IceSessionTable sessions;
    const auto outcome = respond_to_stun(request_bytes, kSource, sessions, kNow);
    const auto* answer = std::get_if<BindingAnswered>(&outcome);
    if (answer == nullptr) fail("plain Binding request not answered", as_text(input));
    check_binding_answer(*answer, *request, input);
  }
}

void check_stun(std::span<const std::uint8_t> input) {
  const auto kind = classify_packet(input);
  const auto parsed = parse_stun_message(input);
  const auto* message = (parsed ? &*parsed : nullptr);
  if (message == nullptr) return;
  if (kind != PacketKind::Stun)
    fail("parsed STUN the classifier calls something else", as_text(input));
  (void)check_message_integrity(*message, kPassword);
  (void)check_fingerprint(*message);
  check_reserialisation(*message, input);
  check_responder_on_signed_copy(*message, input);

  IceSessionTable sessions;  // the input as it came, against a session it may name
  if (message->username) {
    if (const auto username = split_username(*message->username)) {
      sessions.add(IceLiteSession({std::string(username->local_ufrag), std::string(kPassword)}));
    }
  }
  const auto outcome = respond_to_stun(input, kSource, sessions, kNow);
  if (const auto* answer = std::get_if<BindingAnswered>(&outcome)) {
    if (!is_plain_binding_request(*message)) fail("answered as plain what is not", as_text(input));
    check_binding_answer(*answer, *message, input);
  } else if (is_plain_binding_request(*message) &&
             check_fingerprint(*message) != AttributeCheck::Mismatch) {
    fail("plain Binding request not answered", as_text(input));
  }
  check_plain_copy(*message, input);
}

// The same stream split in two places must give the same frames as fed whole.
void check_deframer(std::span<const std::uint8_t> input) {
  constexpr std::size_t kMaxFrame = 512;
  IceTcpDeframer whole(kMaxFrame);
  const auto all_at_once = whole.feed(input);

  IceTcpDeframer pieces(kMaxFrame);
  const std::size_t cut = input.empty() ? 0 : input[0] % (input.size() + 1);
  IceTcpDeframer::Frames frames;
  std::optional<FramingError> error;
  for (const auto part : {input.first(cut), input.subspan(cut)}) {
    auto result = pieces.feed(part);
    if (!result) {
      error = result.error();
      break;
    }
    for (auto& frame : *result) frames.push_back(std::move(frame));
    if (pieces.buffered_bytes() > kMaxFrame + 2)
      fail("deframer buffers more than a frame", as_text(input));
  }
  if (!all_at_once) {
    if (error != all_at_once.error())
      fail("split stream and whole stream disagree on the error", as_text(input));
    return;
  }
  if (error) fail("split stream failed where the whole stream did not", as_text(input));
  const auto& expected = *all_at_once;
  if (frames != expected) fail("split stream gave other frames", as_text(input));
  std::size_t consumed = 0;
  for (const auto& frame : expected) {
    const auto reframed = frame_packet(frame).value();
    if (as_text(reframed) != as_text(input.subspan(consumed, reframed.size()))) {
      fail("frame does not re-frame to its bytes", as_text(input));
    }
    consumed += reframed.size();
  }
  if (consumed + whole.buffered_bytes() != input.size())
    fail("deframer lost bytes", as_text(input));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  check_stun(input);
  check_deframer(input);
  return 0;
}
