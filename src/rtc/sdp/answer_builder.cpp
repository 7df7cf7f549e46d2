#include "rtc/sdp/answer_builder.hpp"

#include <algorithm>

namespace webvox::rtc::sdp {
namespace {

bool browser_sends(Direction direction) {
  return direction == Direction::SendRecv || direction == Direction::SendOnly;
}

bool browser_receives(Direction direction) {
  return direction == Direction::SendRecv || direction == Direction::RecvOnly;
}

Direction direction_from(bool sends, bool receives) {
  if (sends && receives) return Direction::SendRecv;
  if (sends) return Direction::SendOnly;
  if (receives) return Direction::RecvOnly;
  return Direction::Inactive;
}

const SendStream* slot_stream_for(const std::string& mid, const AnswerOptions& options) {
  const auto found = std::find_if(options.slot_streams.begin(), options.slot_streams.end(),
                                  [&](const SlotStream& slot) { return slot.mid == mid; });
  return found == options.slot_streams.end() ? nullptr : &found->stream;
}

LocalAudioSection answer_audio(const OfferedAudio& offered, const AnswerOptions& options) {
  LocalAudioSection audio;
  audio.mid = offered.mid;
  audio.opus_payload_type = offered.opus_payload_type;
  audio.audio_level_extension_id = offered.audio_level_extension_id;
  audio.mid_extension_id = offered.mid_extension_id;
  const auto* stream = slot_stream_for(offered.mid, options);
  const bool sends = stream != nullptr && browser_receives(offered.direction);
  if (sends) audio.send_stream = *stream;
  audio.direction = direction_from(sends, browser_sends(offered.direction));
  return audio;
}

LocalSection answer_section(const OfferedSection& offered, const AnswerOptions& options) {
  if (const auto* audio = std::get_if<OfferedAudio>(&offered)) {
    return answer_audio(*audio, options);
  }
  if (const auto* channel = std::get_if<OfferedDataChannel>(&offered)) {
    return LocalDataChannelSection{channel->mid, kServerSctpPort, options.max_message_size};
  }
  return std::get<RejectedSection>(offered);
}

}  // namespace

LocalDescription make_answer(const BrowserOffer& offer, const AnswerOptions& options) {
  LocalDescription answer;
  answer.type = DescriptionType::Answer;
  answer.session_id = options.session_id;
  answer.session_version = options.session_version;
  answer.transport = options.transport;
  answer.setup = offer.server_setup;
  for (const auto& section : offer.sections) {
    answer.sections.push_back(answer_section(section, options));
  }
  return answer;
}

base::Expected<std::string, WriteError> write_answer(const BrowserOffer& offer,
                                                     const AnswerOptions& options) {
  return write_description(make_answer(offer, options));
}

base::Expected<std::string, WriteError> write_server_offer(LocalDescription description) {
  description.type = DescriptionType::Offer;
  description.setup = SetupRole::ActPass;
  return write_description(description);
}

}  // namespace webvox::rtc::sdp
