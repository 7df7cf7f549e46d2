#include "sfu/negotiation.hpp"

#include <algorithm>
#include <optional>
#include <variant>

#include "rtc/sdp/answer_builder.hpp"
#include "rtc/sdp/offer_validation.hpp"
#include "rtc/sdp/sdp_parser.hpp"

namespace webvox::sfu {

std::string_view to_string(NegotiationErrorCode code) {
  switch (code) {
    case NegotiationErrorCode::BadOffer:
      return "bad_offer";
    case NegotiationErrorCode::Internal:
      return "internal";
  }
  return "internal";
}

base::Expected<Negotiation, NegotiationError> negotiate(std::string_view offer_text,
                                                        const NegotiationSettings& settings,
                                                        const SsrcSource& next_ssrc) {
  const auto parsed = rtc::sdp::parse_session_description(offer_text);
  if (!parsed) {
    return base::unexpected(
        NegotiationError{NegotiationErrorCode::BadOffer, parsed.error().describe()});
  }
  const auto offer = rtc::sdp::validate_offer(parsed.value());
  if (!offer) {
    return base::unexpected(
        NegotiationError{NegotiationErrorCode::BadOffer, offer.error().describe()});
  }

  Negotiation result;
  rtc::sdp::AnswerOptions options;
  options.session_id = settings.session_id;
  options.transport = settings.transport;
  std::optional<MemberFormat> format;
  for (const auto& section : offer->sections) {
    const auto* audio = std::get_if<rtc::sdp::OfferedAudio>(&section);
    if (audio && !format) {
      format = MemberFormat{audio->opus_payload_type, audio->audio_level_extension_id.value_or(1)};
    }
    if (!audio || audio->direction != rtc::sdp::Direction::RecvOnly) continue;
    if (result.slot_ssrcs.size() == settings.slots) break;
    const auto ssrc = next_ssrc();
    options.slot_streams.push_back(
        {audio->mid, {ssrc, std::string(kSlotCname), "webvox", "slot-" + audio->mid}});
    result.slot_ssrcs.push_back(ssrc);
    result.slot_mids.push_back(audio->mid);
  }
  result.format = format.value_or(MemberFormat{});
  result.rtcp =
      MemberRtcpSettings{result.slot_ssrcs.empty() ? next_ssrc() : result.slot_ssrcs.front(),
                         result.slot_ssrcs, std::string(kSlotCname)};
  result.server_setup = offer->server_setup;
  result.remote_fingerprint = offer->fingerprint;
  result.remote_ufrag = offer->ice.ufrag;
  result.data_channels = std::any_of(
      offer->sections.begin(), offer->sections.end(),
      [](const auto& s) { return std::holds_alternative<rtc::sdp::OfferedDataChannel>(s); });

  auto description = rtc::sdp::make_answer(*offer, options);
  for (auto& section : description.sections) {
    if (auto* audio = std::get_if<rtc::sdp::LocalAudioSection>(&section))
      audio->mid_extension_id.reset();
  }
  auto answer = rtc::sdp::write_description(description);
  if (!answer) {
    return base::unexpected(
        NegotiationError{NegotiationErrorCode::Internal, "cannot write the answer"});
  }
  result.answer = std::move(answer.value());
  return result;
}

}  // namespace webvox::sfu
