#include "viewer_load_session.hpp"

#include <string_view>

#include "client_sdp.hpp"
#include "load_packet.hpp"

namespace webvox::load {

namespace {
constexpr std::uint8_t kAudioLevelExtensionId = 1;
constexpr std::uint8_t kOpusPayloadType = 111;
constexpr std::uint32_t kFrameSamples = 960;
}  // namespace

ViewerLoadSession::ViewerLoadSession(MediaContext& media,
                                     std::unique_ptr<ViewerSignalling> signalling, ViewerPose pose,
                                     const TonePackets* tone, std::size_t index,
                                     SpeechPattern pattern)
    : signalling_(std::move(signalling)),
      pose_(pose),
      tone_(tone),
      pattern_(pattern),
      peer_(media, index + 1),
      ssrc_(0x20000 + static_cast<std::uint32_t>(index)) {
  peer_.set_handlers(
      {[this](std::span<const std::uint8_t> rtp, std::uint64_t arrived_ns) {
         reception_.record(rtp, arrived_ns);
       },
       [this](rtc::SctpAssociation::Event event) { on_data_channel(std::move(event)); }, nullptr});
}

void ViewerLoadSession::start() {
  ViewerOffer offer;
  try {
    offer = write_viewer_offer(peer_.local(), ssrc_, kAudioLevelExtensionId);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  candidates_ = std::move(offer.candidates);
  signalling_->provision(offer.sdp,
                         [this](ProvisionResult result) { on_answer(std::move(result)); });
}

void ViewerLoadSession::on_answer(ProvisionResult result) {
  if (stopped_) return;
  if (result.answer_sdp.empty()) return fail(result.failure);
  auto remote = read_remote_description(result.answer_sdp);
  if (auto* reason = std::get_if<std::string>(&remote)) return fail("answer: " + *reason);
  const auto& endpoint = std::get<RemoteEndpoint>(remote);
  data_channel_ = endpoint.data_channel;
  stage_ = Stage::Connecting;
  peer_.connect(endpoint, data_channel_);
  // The viewer trickles once the answer is applied: its candidates, then "completed".
  signalling_->trickle(std::move(candidates_));
}

void ViewerLoadSession::on_data_channel(rtc::SctpAssociation::Event event) {
  using Kind = rtc::SctpAssociation::Event::Kind;
  switch (event.kind) {
    case Kind::Connected:
      sctp_up_ = true;  // SLData is opened on the next tick, outside the transport's call
      return;
    case Kind::Message: {
      if (!sl_data_ || event.stream != *sl_data_) return;
      ++sl_data_received_;
      const std::string_view text(reinterpret_cast<const char*>(event.data.data()),
                                  event.data.size());
      if (text.find("\"j\"") != std::string_view::npos) ++roster_joins_;
      return;
    }
    case Kind::Closed:
      if (stage() != Stage::Ready) fail("the SCTP association closed");
      return;
    default:
      return;
  }
}

void ViewerLoadSession::tick(std::chrono::steady_clock::time_point now) {
  if (stopped_) return;
  peer_.tick(now);
  if (sctp_up_ && !sl_data_) {
    // As the viewer: SLData (ordered, reliable), then the join of a primary connection and
    // the first pose; the server may start mixing this speaker from here.
    sl_data_ = peer_.open_channel("SLData");
    if (!sl_data_) return fail("SLData could not be opened");
    if (!peer_.send_text(*sl_data_, primary_join_message()) ||
        !peer_.send_text(*sl_data_, pose_message(pose_))) {
      return fail("SLData: the join or pose could not be sent");
    }
  }
}

void ViewerLoadSession::speak() {
  if (!tone_ || stopped_ || !peer_.ready()) return;
  bool spurt_start = false;
  if (pattern_.on_frames > 0) {
    const auto phase = speak_calls_++ % (pattern_.on_frames + pattern_.off_frames);
    if (phase >= pattern_.on_frames) {
      timestamp_ += kFrameSamples;  // the RTP clock runs on through silence, as with DTX
      return;
    }
    spurt_start = phase == 0;
  }
  const auto sent_ns = monotonic_ns();
  const auto payload = tone_->packet(frames_sent_);
  const AudioPacketHeader header{
      kOpusPayloadType, kAudioLevelExtensionId,    ssrc_,      sequence_++,
      timestamp_,       tone_->level_minus_dbov(), spurt_start};
  timestamp_ += kFrameSamples;
  const auto length = write_audio_packet(send_buffer_, header, payload);
  if (length == 0 || !peer_.send_rtp(send_buffer_, length)) return;
  ++frames_sent_;
  if (spurt_start) spurt_starts_.push_back(sent_ns);
}

void ViewerLoadSession::stop() {
  if (stopped_) return;
  stopped_ = true;
  signalling_->stop();
  peer_.stop();
}

LoadSession::Stage ViewerLoadSession::stage() const {
  if (stage_ == Stage::Failed || peer_.failure()) return Stage::Failed;
  if (stage_ == Stage::Connecting && peer_.ready() && (!data_channel_ || sl_data_))
    return Stage::Ready;
  return stage_;
}

std::string ViewerLoadSession::failure() const {
  if (!failure_.empty()) return failure_;
  return peer_.failure().value_or("");
}

void ViewerLoadSession::fail(std::string reason) {
  if (stage_ == Stage::Failed) return;
  stage_ = Stage::Failed;
  failure_ = std::move(reason);
}

}  // namespace webvox::load
