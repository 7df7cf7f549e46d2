// The viewers' mixer for one voice room: every speaker decoded once, and for every listener one
// stereo Opus stream of the speakers it hears, placed where they stand relative to its ears
// (core::positional_gain and the browser's equal-power pan), with its own per-peer gains and
// mutes. Work nobody hears is not done: silent speakers are neither decoded (after their
// concealment tail) nor mixed; a listener who hears nobody is sent a shared 1-byte Opus DTX
// frame every 400 ms instead of an encoded one (after a frame of coded silence, so its decoder
// has silence to conceal from, not the last voice); listeners whose mixes are identical (same
// speakers, same gains) share one encode.
//
// Pure: no sockets, no clock; the caller's media thread drives it. Per packet: push(). Every
// 20 ms: mix(now), then send each ListenerPacket (the caller wraps RTP/SRTP: its own SSRC and
// sequence numbers, timestamp += timestamp_step, the marker bit as given).
//
// Shared encodes and continuity: each listener's stream comes from an encoder "lineage". A
// group of listeners with one mix shares one lineage; when one of them starts hearing
// something else it takes a byte copy of the shared encoder, so its decoder never sees a
// seam. Listeners on different lineages that come to hear the same mix are merged onto one
// only where a seam cannot be heard: right after silence, or on a frame of the mix below
// -40 dBFS (speech pauses every few hundred milliseconds); until then each is coded on its own.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/channel_properties.hpp"
#include "core/position.hpp"
#include "base/uuid.hpp"
#include "mixer/audio_format.hpp"
#include "base/expected.hpp"
#include "mixer/codec_error.hpp"
#include "mixer/delay_histogram.hpp"
#include "mixer/jitter_buffer.hpp"
#include "mixer/limiter.hpp"
#include "mixer/spatial_gains.hpp"
#include "mixer/speaker_stream.hpp"
#include "mixer/voice_activity.hpp"
#include "mixer/voice_encoder.hpp"

namespace webvox::mixer {

// Chosen by the caller (a viewer session's id, say); speakers and listeners are separate
// spaces, so one session can be both under the same number.
using SpeakerId = std::uint64_t;
using ListenerId = std::uint64_t;

enum class MixerStatus { Ok, DuplicateId, UnknownId, Full, InvalidValue };
std::string_view to_string(MixerStatus status);

struct MixerConfig {
  EncoderSettings encoder;
  // A busy room codes at a lower complexity: when the last tick coded more than
  // `busy_encodes` frames (each distinct mix costs one encode), the next codes at
  // `busy_complexity`. Complexity 1 keeps CELT's normal spreading and drops its pitch
  // pre-filter (5+) and TF analysis (2+): 59 % of the instructions of complexity 5
  // (callgrind, 48 kb/s stereo: 0.46 M against 0.78 M per frame), which is what lets a
  // crowded region, where every listener hears its own mix, hold 1.7x the listeners.
  // Set busy_encodes to SIZE_MAX to always code at encoder.complexity.
  std::size_t busy_encodes = 48;
  int busy_complexity = 1;
};

// One listener's packet for this tick.
struct ListenerPacket {
  ListenerId listener = 0;
  std::span<const std::uint8_t> payload;  // one Opus packet; valid until the next mix()
  // Samples since the previous packet this listener was sent (kTickSamples from one tick to
  // the next; more after ticks in which it was sent nothing): add it to the RTP timestamp.
  std::uint32_t timestamp_step = kTickSamples;
  // The first packet of a talk spurt, after silence (RFC 3551 §4.1 marker for DTX streams).
  bool marker = false;
};

// A speaker's level for the roster, updated every tick.
struct SpeakerLevel {
  SpeakerId speaker = 0;
  double power = 0;  // 0…1, see VoiceActivity::power
  bool speaking = false;
};

struct SpeakerStats {
  JitterCounters jitter;
  DecodeCounters decode;

  SpeakerStats& operator+=(const SpeakerStats& other) {
    jitter += other.jitter;
    decode += other.decode;
    return *this;
  }
};

struct MixerCounters {
  std::uint64_t ticks = 0;
  std::uint64_t speaker_frames = 0;   // speaker-ticks with audio to mix
  std::uint64_t mixes = 0;            // distinct mixes built
  std::uint64_t encodes = 0;          // frames coded
  std::uint64_t listener_frames = 0;  // coded frames sent to listeners
  std::uint64_t shared_frames = 0;    // …of which were coded once for another listener too
  std::uint64_t dtx_frames = 0;       // 1-byte DTX frames sent to listeners hearing nobody
  std::uint64_t silence_frames = 0;   // silence frames sent to listeners who just stopped hearing
  std::uint64_t silent_ticks = 0;     // listener-ticks hearing nobody (DTX sent or not)
  std::uint64_t encoder_copies = 0;   // lineages copied when a sharing listener's mix diverged
  std::uint64_t encoder_merges = 0;   // listeners moved onto another lineage at a quiet frame
  std::uint64_t encode_errors = 0;    // encodes libopus refused (DTX sent instead)
  std::uint64_t busy_encodes = 0;     // frames coded at the busy complexity
};

class RoomMixer {
 public:
  static constexpr std::size_t kMaxSpeakers = 1024;
  static constexpr std::size_t kMaxListeners = 1024;
  // Per listener: peers with a gain or mute set (the viewer's `ug`/`m` maps).
  static constexpr std::size_t kMaxPeerSettings = 512;
  static constexpr double kMaxPeerGain = 2;
  // A listener who stops hearing anybody is coded this many more frames of its (empty) mix,
  // which carry the end of the last voice out of the encoder's look-ahead (2.5 ms), and then
  // sent one CELT silence frame (coded once for the room) before its DTX frames. A decoder
  // conceals DTX as noise at the band energies it last decoded, floored at its background
  // estimate, which only a silence frame (or a steady quiet one) brings down: sent DTX after
  // the voice, a listener would hear noise shaped like that voice, and after a long steady
  // voice (the estimate rises 2.4 dB/s) at nearly its level.
  static constexpr int kSilenceTailTicks = 1;
  // While hearing nobody, a DTX frame every this many ticks (400 ms, as Opus DTX does).
  static constexpr int kDtxIntervalTicks = 20;
  // After this many silent ticks a listener's encoder is given back (1 s).
  static constexpr int kReleaseEncoderTicks = 50;
  // Encoders kept for reuse when nobody holds them.
  static constexpr std::size_t kSpareEncoders = 4;
  // A mix whose peak is below this (-40 dBFS) lets listeners on other lineages merge.
  static constexpr float kMergePeak = 0.01f;
  // Gains are rounded to 1/4096 (under 0.01 dB at unity) so equal mixes compare equal.
  static constexpr double kGainSteps = 4096;
  // Opus DTX: a TOC byte alone (RFC 6716 §3.2.1: code 0, one frame of 0 bytes), here for a
  // 20 ms CELT full-band stereo frame. Decoders conceal it; WebRTC's treats it as DTX.
  static constexpr std::uint8_t kDtxFrame = 0xFC;

  // BadArgument when libopus refuses the encoder settings.
  static base::Expected<RoomMixer, CodecError> create(const core::ChannelProperties& channel,
                                                      bool spatial, const MixerConfig& config = {});

  RoomMixer(RoomMixer&&) noexcept;
  RoomMixer& operator=(RoomMixer&&) noexcept;
  ~RoomMixer();

  // The distance model (the module's channel properties, or its defaults) and whether the
  // room is spatial (`local`) or centred (`multiagent`).
  void set_channel(const core::ChannelProperties& channel, bool spatial);

  MixerStatus add_speaker(SpeakerId speaker, const base::Uuid& agent);
  MixerStatus remove_speaker(SpeakerId speaker);
  // Metres in the room's frame; nothing until the speaker reported one (heard centred, full).
  MixerStatus set_speaker_position(SpeakerId speaker, std::optional<Vec3> position);
  // One packet of the speaker (see SpeakerPacket); UnknownId for a speaker not added.
  base::Expected<JitterBuffer::PushResult, MixerStatus> push(SpeakerId speaker,
                                                             const SpeakerPacket& packet);

  MixerStatus add_listener(ListenerId listener, const base::Uuid& agent);
  MixerStatus remove_listener(ListenerId listener);
  MixerStatus set_listener_pose(ListenerId listener, const ListenerPose& pose);
  // This listener's gain for every speaker of `speaker_agent`: 0…kMaxPeerGain, 1 = unity
  // (the viewer's ug / 110). InvalidValue outside that range or not finite.
  MixerStatus set_peer_gain(ListenerId listener, const base::Uuid& speaker_agent, double gain);
  MixerStatus set_peer_muted(ListenerId listener, const base::Uuid& speaker_agent, bool muted);

  // One tick: call every 20 ms (again at once to catch up if the caller fell behind: each
  // call is one frame). `now` is the caller's clock, for the delay figures.
  std::span<const ListenerPacket> mix(TimePoint now);

  // Every speaker's level after the last mix.
  std::span<const SpeakerLevel> levels() const { return levels_; }
  const MixerCounters& counters() const { return counters_; }
  std::optional<SpeakerStats> speaker_stats(SpeakerId speaker) const;
  // Every speaker's counters summed, of those removed since too.
  SpeakerStats speaker_totals() const;
  const DelayHistogram& delays() const { return delays_; }
  // Moves the delays measured so far into `into`, each `extra` later (the caller's work after
  // mix(): encryption and sending), so the figure ends at the mixed frame's departure.
  void take_delays(DelayHistogram& into, std::chrono::nanoseconds extra) {
    into.absorb(delays_, extra);
  }
  std::size_t speaker_count() const { return speaker_index_.size(); }
  std::size_t listener_count() const { return listeners_.size(); }
  // Encoders that exist now (held by listeners, and spares).
  std::size_t encoder_count() const;

 private:
  struct Speaker;
  struct Listener;
  struct Lineage;
  struct MixEntry {
    std::uint32_t slot = 0;
    std::uint32_t serial = 0;  // tells a slot's successive speakers apart
    std::uint16_t left_from = 0, right_from = 0, left_to = 0, right_to = 0;
    friend bool operator==(const MixEntry&, const MixEntry&) = default;
  };
  struct PeerSetting {
    base::Uuid agent{};
    double gain = 1;
    bool muted = false;
  };

  RoomMixer(const core::ChannelProperties& channel, bool spatial, const MixerConfig& config,
            VoiceEncoder first_encoder);

  Listener* find_listener(ListenerId listener);
  PeerSetting* peer_setting(Listener& listener, const base::Uuid& agent, bool create);
  void render_speakers(TimePoint now);
  void build_signature(Listener& listener);
  void serve_silence(Listener& listener);
  void assign_lineages(std::size_t group_begin, std::size_t group_end, std::uint32_t group);
  void mix_group(std::size_t group_begin, std::size_t group_end, std::uint32_t group);
  void emit(Listener& listener, std::span<const std::uint8_t> payload, bool audio);

  std::int32_t new_lineage();
  std::int32_t copy_lineage(std::int32_t source);
  void hold(Listener& listener, std::int32_t lineage);
  void drop_lineage(Listener& listener);

  core::ChannelProperties channel_;
  bool spatial_ = true;
  MixerConfig config_;
  std::uint64_t tick_ = 0;
  int complexity_ = 5;  // this tick's
  std::uint64_t last_tick_encodes_ = 0;

  std::vector<std::unique_ptr<Speaker>> speakers_;  // by slot; null = free
  std::vector<std::uint32_t> free_speaker_slots_;
  std::unordered_map<SpeakerId, std::uint32_t> speaker_index_;
  std::uint32_t next_serial_ = 1;

  std::vector<std::unique_ptr<Listener>> listeners_;
  std::unordered_map<ListenerId, std::size_t> listener_index_;

  std::vector<std::unique_ptr<Lineage>> lineages_;  // null = free index
  std::vector<std::int32_t> spare_lineages_;
  std::vector<std::int32_t> free_lineage_indices_;

  // Reused every tick.
  std::vector<std::uint32_t> active_;  // speaker slots with audio this tick
  std::vector<std::size_t> order_;     // hearing listeners, grouped by mix
  struct GroupLineage {
    std::int32_t lineage;
    std::uint32_t members;
  };
  std::vector<GroupLineage> group_lineages_;      // of every group, in group order
  std::vector<std::size_t> group_lineage_begin_;  // group -> first entry in group_lineages_
  std::vector<std::pair<std::int32_t, std::int32_t>> copies_;  // source -> copy, one group
  std::vector<float> mix_;                                     // interleaved stereo, one tick
  std::vector<float> scratch_;
  std::vector<ListenerPacket> packets_;
  // One 20 ms frame of digital silence as a fresh encoder codes it (a CELT silence frame); empty
  // if libopus would not code one (DTX is sent instead).
  std::vector<std::uint8_t> silence_frame_;
  std::vector<SpeakerLevel> levels_;

  MixerCounters counters_;
  SpeakerStats removed_speakers_;  // counters of the speakers no longer here
  DelayHistogram delays_;
};

}  // namespace webvox::mixer
