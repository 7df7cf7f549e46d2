// One simulated SL viewer connection (shared/spec/viewer-webrtc.md §5): the viewer's offer
// (sendrecv Opus, SLData data channel, munged) goes up through the simulator's door, the
// answer comes back, candidates are trickled; media runs on a MediaPeer (ICE, DTLS-SRTP, and
// SCTP where the server kept the data channel). Once SLData is open it sends its primary join
// and its pose, as the viewer does on entering a session. A speaker sends its tone (real
// Opus) every 20 ms; every viewer records the mix it receives (MixReception).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "load_session.hpp"
#include "media_peer.hpp"
#include "mix_reception.hpp"
#include "sl_data_messages.hpp"
#include "tone_packets.hpp"
#include "viewer_signalling.hpp"

namespace webvox::load {

// How a speaker talks: without pause, or in talk spurts (on_frames of 20 ms, then off_frames
// of nothing sent), whose starts are noted for the delay probes.
struct SpeechPattern {
  std::size_t on_frames = 0;  // 0: continuously
  std::size_t off_frames = 0;
};

class ViewerLoadSession final : public LoadSession {
 public:
  // `tone`: what it says when speaking; null for a listener (its microphone muted: the viewer
  // then sends nothing the server mixes).
  ViewerLoadSession(MediaContext& media, std::unique_ptr<ViewerSignalling> signalling,
                    ViewerPose pose, const TonePackets* tone, std::size_t index,
                    SpeechPattern pattern = {});

  void start() override;
  void tick(std::chrono::steady_clock::time_point now) override;
  void speak() override;
  void stop() override;

  // Ready: media up, and where the server kept SLData, the channel open with join and pose sent.
  Stage stage() const override;
  std::string failure() const override;

  const MixReception& reception() const { return reception_; }
  bool data_channel() const { return data_channel_; }
  std::uint64_t frames_sent() const { return frames_sent_; }
  std::uint64_t sl_data_received() const { return sl_data_received_; }
  // Roster messages naming some agent as joined ("j"), as the viewer's participant list needs.
  std::uint64_t roster_joins() const { return roster_joins_; }
  // When the first packet of each talk spurt was sent (CLOCK_MONOTONIC ns), in order.
  const std::vector<std::uint64_t>& spurt_starts() const { return spurt_starts_; }

 private:
  void on_answer(ProvisionResult result);
  void on_data_channel(rtc::SctpAssociation::Event event);
  void fail(std::string reason);

  std::unique_ptr<ViewerSignalling> signalling_;
  ViewerPose pose_;
  const TonePackets* tone_;
  SpeechPattern pattern_;
  std::uint64_t speak_calls_ = 0;
  std::vector<std::uint64_t> spurt_starts_;
  MediaPeer peer_;
  std::vector<std::string> candidates_;
  Stage stage_ = Stage::Negotiating;
  std::string failure_;
  bool data_channel_ = false;  // the answer kept m=application
  bool sctp_up_ = false;       // the association is connected: SLData can be opened
  std::optional<std::uint16_t> sl_data_;
  std::uint32_t ssrc_;
  std::uint16_t sequence_ = 0;
  std::uint32_t timestamp_ = 0;
  std::uint64_t frames_sent_ = 0;
  std::uint64_t sl_data_received_ = 0;
  std::uint64_t roster_joins_ = 0;
  MixReception reception_;
  std::array<std::uint8_t, 1500> send_buffer_{};
  bool stopped_ = false;
};

}  // namespace webvox::load
