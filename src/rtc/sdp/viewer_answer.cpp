#include "rtc/sdp/viewer_answer.hpp"

#include <variant>

#include "rtc/sdp/answer_builder.hpp"
#include "rtc/sdp/description_writer.hpp"
#include "rtc/sdp/offer_validation.hpp"
#include "rtc/sdp/sdp_parser.hpp"

namespace webvox::rtc::sdp {
namespace {

std::vector<FormatParameter> answer_opus_parameters() {
  return parse_fmtp("0 " + std::string(kViewerAnswerOpusParameters))->parameters;
}

// A further audio section: the viewer sends one track, and the listener's mix needs one.
RejectedSection rejected_audio(const OfferedAudio& audio) {
  return RejectedSection{
      "audio", "UDP/TLS/RTP/SAVPF", {std::to_string(audio.opus_payload_type)}, audio.mid};
}

const OfferedAudio* first_audio(const BrowserOffer& offer) {
  for (const auto& section : offer.sections) {
    if (const auto* audio = std::get_if<OfferedAudio>(&section)) return audio;
  }
  return nullptr;
}

}  // namespace

base::Expected<ViewerAnswer, ViewerAnswerError> answer_viewer_offer(
    const BrowserOffer& offer, const ViewerAnswerOptions& options) {
  const auto* audio = first_audio(offer);
  if (audio == nullptr) {
    return base::unexpected(
        ViewerAnswerError{ViewerAnswerErrorCode::UnacceptableOffer,
                          std::string(to_string(OfferErrorCode::NoAudioSection))});
  }
  AnswerOptions answer_options;
  answer_options.session_id = options.session_id;
  answer_options.session_version = options.session_version;
  answer_options.transport = options.transport;
  answer_options.slot_streams = {{audio->mid, options.mix_stream}};
  answer_options.max_message_size = options.max_message_size;
  auto description = make_answer(offer, answer_options);

  ViewerMediaSession session;
  session.audio_mid = audio->mid;
  session.opus_payload_type = audio->opus_payload_type;
  session.audio_level_extension_id = audio->audio_level_extension_id;
  session.viewer_ssrcs = audio->send_ssrcs;
  session.server_setup = offer.server_setup;
  session.viewer_ice = offer.ice;
  session.viewer_fingerprint = offer.fingerprint;
  // make_answer answers each offered section at the same index.
  for (std::size_t i = 0; i < description.sections.size(); ++i) {
    auto& section = description.sections[i];
    if (auto* local = std::get_if<LocalAudioSection>(&section)) {
      if (local->mid != audio->mid) {
        section = rejected_audio(std::get<OfferedAudio>(offer.sections[i]));
        continue;
      }
      local->opus_parameters = answer_opus_parameters();
      // The mixer writes its own packets; routing by the one SSRC needs no MID extension.
      local->mid_extension_id.reset();
    } else if (const auto* channel = std::get_if<LocalDataChannelSection>(&section)) {
      session.data_mid = channel->mid;
    }
  }
  auto sdp = write_description(description);
  if (!sdp) {
    auto detail = std::string(to_string(sdp.error().code));
    if (!sdp.error().detail.empty()) detail += ": " + sdp.error().detail;
    return base::unexpected(ViewerAnswerError{ViewerAnswerErrorCode::CannotWriteAnswer, detail});
  }
  return ViewerAnswer{std::move(*sdp), std::move(session)};
}

base::Expected<ViewerAnswer, ViewerAnswerError> answer_viewer_offer(
    std::string_view offer_sdp, const ViewerAnswerOptions& options) {
  const auto parsed = parse_session_description(offer_sdp);
  if (!parsed) {
    return base::unexpected(
        ViewerAnswerError{ViewerAnswerErrorCode::UnparsableOffer, parsed.error().describe()});
  }
  const auto offer = validate_offer(*parsed);
  if (!offer) {
    return base::unexpected(
        ViewerAnswerError{ViewerAnswerErrorCode::UnacceptableOffer, offer.error().describe()});
  }
  return answer_viewer_offer(*offer, options);
}

std::string ViewerAnswerError::describe() const {
  std::string text;
  switch (code) {
    case ViewerAnswerErrorCode::UnparsableOffer:
      text = "unparsable offer";
      break;
    case ViewerAnswerErrorCode::UnacceptableOffer:
      text = "unacceptable offer";
      break;
    case ViewerAnswerErrorCode::CannotWriteAnswer:
      text = "cannot write the answer";
      break;
  }
  if (!detail.empty()) text += ": " + detail;
  return text;
}

}  // namespace webvox::rtc::sdp
