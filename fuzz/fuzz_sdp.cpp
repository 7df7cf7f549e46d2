// SDP offers straight from a browser (docs/signalling.md relays them) or a viewer (munged,
// shared/spec/viewer-webrtc.md §5.1): the parser must never throw or crash, stays within its
// limits, and whatever offer validation accepts must yield an answer, the SFU's and the
// viewer's, that parses back and validates to the same media. Trickled candidates (the input
// as one candidate string) read back as written.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "fuzz_checks.hpp"
#include "rtc/sdp/answer_builder.hpp"
#include "rtc/sdp/offer_validation.hpp"
#include "rtc/sdp/sdp_parser.hpp"
#include "rtc/sdp/viewer_answer.hpp"

using namespace webvox::rtc::sdp;
using webvox::fuzz::fail;

namespace {

AnswerOptions server_options() {
  AnswerOptions options;
  options.transport.ice_ufrag = "wvx4";
  options.transport.ice_pwd = "serverpasswordserverpassword";
  options.transport.fingerprint = Fingerprint{"sha-256", std::vector<std::uint8_t>(32, 0xAB)};
  options.transport.advertised_addresses = {"198.51.100.7", "2001:db8::7"};
  options.transport.udp_port = 40000;
  options.transport.tcp_port = 40001;
  return options;
}

void check_limits(const SessionDescription& description, std::string_view text) {
  const SdpLimits limits;
  WEBVOX_FUZZ_CHECK(description.media.size() <= limits.max_media_sections, text);
  for (const auto& media : description.media) {
    for (std::size_t i = 0; i < media.fmtps.size(); ++i) {
      // Duplicate fmtp lines are merged: one per payload type, within the bound.
      WEBVOX_FUZZ_CHECK(media.fmtps[i].parameters.size() <= limits.max_format_parameters, text);
      for (std::size_t j = 0; j < i; ++j) {
        WEBVOX_FUZZ_CHECK(media.fmtps[j].payload_type != media.fmtps[i].payload_type, text);
      }
    }
    for (const auto& candidate : media.candidates) {
      // What was accepted must print in a form that is accepted again, unchanged.
      const auto again = parse_candidate(format_candidate(candidate));
      WEBVOX_FUZZ_CHECK(again.has_value() && *again == candidate, text);
    }
  }
}

void check_answer(const BrowserOffer& offer, std::string_view text) {
  const auto answer_text = write_answer(offer, server_options());
  WEBVOX_FUZZ_CHECK(answer_text.has_value(), text);
  const auto answer = parse_session_description(*answer_text);
  WEBVOX_FUZZ_CHECK(answer.has_value(), *answer_text);
  WEBVOX_FUZZ_CHECK(answer->media.size() == offer.sections.size(), *answer_text);
  const auto again = validate_offer(*answer);
  WEBVOX_FUZZ_CHECK(again.has_value(), *answer_text);
  WEBVOX_FUZZ_CHECK(again->bundle_mids == offer.bundle_mids, *answer_text);
  WEBVOX_FUZZ_CHECK(again->fingerprint == server_options().transport.fingerprint, *answer_text);
  for (std::size_t i = 0; i < offer.sections.size(); ++i) {
    WEBVOX_FUZZ_CHECK(again->sections[i].index() == offer.sections[i].index(), *answer_text);
    if (const auto* audio = std::get_if<OfferedAudio>(&offer.sections[i])) {
      const auto& echoed = std::get<OfferedAudio>(again->sections[i]);
      WEBVOX_FUZZ_CHECK(echoed.mid == audio->mid, *answer_text);
      WEBVOX_FUZZ_CHECK(echoed.opus_payload_type == audio->opus_payload_type, *answer_text);
      WEBVOX_FUZZ_CHECK(echoed.audio_level_extension_id == audio->audio_level_extension_id,
                        *answer_text);
    }
  }
}

void check_viewer_answer(const BrowserOffer& offer, std::string_view text) {
  ViewerAnswerOptions options;
  options.transport = server_options().transport;
  options.mix_stream = SendStream{0x0A0B0C0D, "webvox", "webvox", "mix"};
  const auto answer = answer_viewer_offer(offer, options);
  WEBVOX_FUZZ_CHECK(answer.has_value(), text);
  const auto parsed = parse_session_description(answer->sdp);
  WEBVOX_FUZZ_CHECK(parsed.has_value(), answer->sdp);
  WEBVOX_FUZZ_CHECK(parsed->media.size() == offer.sections.size(), answer->sdp);
  const auto again = validate_offer(*parsed);
  WEBVOX_FUZZ_CHECK(again.has_value(), answer->sdp);
  std::size_t sending = 0;
  for (std::size_t i = 0; i < parsed->media.size(); ++i) {
    const auto& media = parsed->media[i];
    if (media.media != "audio" || media.port == 0) continue;
    ++sending;
    WEBVOX_FUZZ_CHECK(media.mid == answer->session.audio_mid, answer->sdp);
    WEBVOX_FUZZ_CHECK(media.fmtps.size() == 1, answer->sdp);
    WEBVOX_FUZZ_CHECK(media.fmtps[0].payload_type == answer->session.opus_payload_type,
                      answer->sdp);
    WEBVOX_FUZZ_CHECK(
        format_fmtp(media.fmtps[0]) == std::to_string(answer->session.opus_payload_type) + ' ' +
                                           std::string(kViewerAnswerOpusParameters),
        answer->sdp);
  }
  WEBVOX_FUZZ_CHECK(sending == 1, answer->sdp);
}

void check_trickled_candidate(std::string_view text) {
  if (text.size() > 1024) return;
  const auto candidate = parse_candidate_attribute(text);
  if (!candidate) return;
  const auto again = parse_candidate_attribute(format_candidate(*candidate));
  WEBVOX_FUZZ_CHECK(again.has_value() && *again == *candidate, text);
  const auto prefixed = parse_candidate_attribute("candidate:" + format_candidate(*candidate));
  WEBVOX_FUZZ_CHECK(prefixed.has_value() && *prefixed == *candidate, text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  check_trickled_candidate(text);
  const auto parsed = parse_session_description(text);
  if (!parsed) {
    (void)parsed.error().describe();
    return 0;
  }
  check_limits(*parsed, text);
  const auto offer = validate_offer(*parsed);
  if (!offer) {
    (void)offer.error().describe();
    return 0;
  }
  check_answer(*offer, text);
  check_viewer_answer(*offer, text);
  return 0;
}
