#include "mixer/room_mixer.hpp"

#include <algorithm>
#include <cmath>

namespace webvox::mixer {

struct RoomMixer::Speaker {
  SpeakerId id = 0;
  base::Uuid agent{};
  std::uint32_t serial = 0;
  std::optional<Vec3> position;
  SpeakerStream stream;
  VoiceActivity activity;
  SpeakerStream::Frame frame;
  bool active = false;      // audio to mix this tick
  bool was_active = false;  // …and last tick
};

struct RoomMixer::Listener {
  ListenerId id = 0;
  base::Uuid agent{};
  ListenerPose pose;
  std::vector<PeerSetting> peers;
  std::vector<MixEntry> signature;  // this tick's mix, by speaker slot
  std::vector<MixEntry> previous;   // last tick's
  std::uint64_t hash = 0;
  std::int32_t lineage = -1;
  bool audio_last_tick = false;  // was sent a coded frame of its lineage last tick
  int tail_ticks = 0;            // frames of its empty mix still to code once it hears nobody
  int silent_ticks = 0;
  bool ever_sent = false;
  std::uint64_t last_sent_tick = 0;
};

struct RoomMixer::Lineage {
  explicit Lineage(VoiceEncoder encoder) : encoder(std::move(encoder)) {}
  VoiceEncoder encoder;
  Limiter limiter;
  std::uint32_t users = 0;
  std::uint64_t claimed_tick = 0;  // the tick a group took it for its encode
  std::uint32_t claimed_group = 0;
  std::size_t payload_size = 0;
  std::array<std::uint8_t, kMaxEncodedBytes> payload{};
};

namespace {

constexpr std::uint8_t kDtxPayload[1] = {RoomMixer::kDtxFrame};

std::uint16_t quantize(double gain) {
  const double steps = std::round(gain * RoomMixer::kGainSteps);
  return static_cast<std::uint16_t>(std::clamp(steps, 0.0, 65535.0));
}

std::uint64_t fnv1a(std::uint64_t hash, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) {
    hash ^= (value >> (8 * i)) & 0xff;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

}  // namespace

std::string_view to_string(MixerStatus status) {
  switch (status) {
    case MixerStatus::Ok:
      return "ok";
    case MixerStatus::DuplicateId:
      return "id already in the room";
    case MixerStatus::UnknownId:
      return "no such id in the room";
    case MixerStatus::Full:
      return "room at its limit";
    case MixerStatus::InvalidValue:
      return "value out of range";
  }
  return "unknown status";
}

base::Expected<RoomMixer, CodecError> RoomMixer::create(const core::ChannelProperties& channel,
                                                        bool spatial, const MixerConfig& config) {
  if (config.busy_complexity < 0 || config.busy_complexity > 10) {
    return base::unexpected(CodecError::BadArgument);
  }
  auto encoder = VoiceEncoder::create(config.encoder);
  if (!encoder) return base::unexpected(encoder.error());
  return RoomMixer(channel, spatial, config, std::move(*encoder));
}

RoomMixer::RoomMixer(const core::ChannelProperties& channel, bool spatial,
                     const MixerConfig& config, VoiceEncoder first_encoder)
    : channel_(channel),
      spatial_(spatial),
      config_(config),
      complexity_(config.encoder.complexity) {
  // The encoder that proved the settings work codes the room's silence frame, then is the
  // first spare (new_lineage() resets it).
  const std::vector<float> silence(static_cast<std::size_t>(config.encoder.channels) * kTickSamples,
                                   0.0f);
  std::array<std::uint8_t, kMaxEncodedBytes> coded{};
  const auto result = first_encoder.encode(silence, coded);
  if (result) {
    silence_frame_.assign(coded.begin(), coded.begin() + static_cast<std::ptrdiff_t>(*result));
  }
  lineages_.push_back(std::make_unique<Lineage>(std::move(first_encoder)));
  spare_lineages_.push_back(0);
  mix_.resize(2 * kTickSamples);
}

RoomMixer::RoomMixer(RoomMixer&&) noexcept = default;
RoomMixer& RoomMixer::operator=(RoomMixer&&) noexcept = default;
RoomMixer::~RoomMixer() = default;

void RoomMixer::set_channel(const core::ChannelProperties& channel, bool spatial) {
  channel_ = channel;
  spatial_ = spatial;
}

// ── membership ──

MixerStatus RoomMixer::add_speaker(SpeakerId speaker, const base::Uuid& agent) {
  if (speaker_index_.contains(speaker)) return MixerStatus::DuplicateId;
  if (speaker_index_.size() >= kMaxSpeakers) return MixerStatus::Full;
  std::uint32_t slot;
  if (!free_speaker_slots_.empty()) {
    slot = free_speaker_slots_.back();
    free_speaker_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(speakers_.size());
    speakers_.emplace_back();
  }
  auto entry = std::make_unique<Speaker>();
  entry->id = speaker;
  entry->agent = agent;
  entry->serial = next_serial_++;
  speakers_[slot] = std::move(entry);
  speaker_index_.emplace(speaker, slot);
  return MixerStatus::Ok;
}

MixerStatus RoomMixer::remove_speaker(SpeakerId speaker) {
  const auto found = speaker_index_.find(speaker);
  if (found == speaker_index_.end()) return MixerStatus::UnknownId;
  const auto& stream = speakers_[found->second]->stream;
  removed_speakers_ += SpeakerStats{stream.buffer().counters(), stream.counters()};
  speakers_[found->second].reset();
  free_speaker_slots_.push_back(found->second);
  speaker_index_.erase(found);
  return MixerStatus::Ok;
}

MixerStatus RoomMixer::set_speaker_position(SpeakerId speaker, std::optional<Vec3> position) {
  const auto found = speaker_index_.find(speaker);
  if (found == speaker_index_.end()) return MixerStatus::UnknownId;
  if (position &&
      !(std::isfinite(position->x) && std::isfinite(position->y) && std::isfinite(position->z))) {
    return MixerStatus::InvalidValue;
  }
  speakers_[found->second]->position = position;
  return MixerStatus::Ok;
}

base::Expected<JitterBuffer::PushResult, MixerStatus> RoomMixer::push(SpeakerId speaker,
                                                                      const SpeakerPacket& packet) {
  const auto found = speaker_index_.find(speaker);
  if (found == speaker_index_.end()) return base::unexpected(MixerStatus::UnknownId);
  return speakers_[found->second]->stream.push(packet);
}

RoomMixer::Listener* RoomMixer::find_listener(ListenerId listener) {
  const auto found = listener_index_.find(listener);
  return found == listener_index_.end() ? nullptr : listeners_[found->second].get();
}

MixerStatus RoomMixer::add_listener(ListenerId listener, const base::Uuid& agent) {
  if (listener_index_.contains(listener)) return MixerStatus::DuplicateId;
  if (listeners_.size() >= kMaxListeners) return MixerStatus::Full;
  auto entry = std::make_unique<Listener>();
  entry->id = listener;
  entry->agent = agent;
  listener_index_.emplace(listener, listeners_.size());
  listeners_.push_back(std::move(entry));
  return MixerStatus::Ok;
}

MixerStatus RoomMixer::remove_listener(ListenerId listener) {
  const auto found = listener_index_.find(listener);
  if (found == listener_index_.end()) return MixerStatus::UnknownId;
  const std::size_t index = found->second;
  drop_lineage(*listeners_[index]);
  listener_index_.erase(found);
  if (index + 1 != listeners_.size()) {
    listeners_[index] = std::move(listeners_.back());
    listener_index_[listeners_[index]->id] = index;
  }
  listeners_.pop_back();
  return MixerStatus::Ok;
}

MixerStatus RoomMixer::set_listener_pose(ListenerId listener, const ListenerPose& pose) {
  Listener* entry = find_listener(listener);
  if (!entry) return MixerStatus::UnknownId;
  if (pose.position && !(std::isfinite(pose.position->x) && std::isfinite(pose.position->y) &&
                         std::isfinite(pose.position->z))) {
    return MixerStatus::InvalidValue;
  }
  if (pose.rotation && !(std::isfinite(pose.rotation->x) && std::isfinite(pose.rotation->y) &&
                         std::isfinite(pose.rotation->z) && std::isfinite(pose.rotation->w))) {
    return MixerStatus::InvalidValue;
  }
  entry->pose = pose;
  return MixerStatus::Ok;
}

RoomMixer::PeerSetting* RoomMixer::peer_setting(Listener& listener, const base::Uuid& agent,
                                                bool create) {
  for (PeerSetting& peer : listener.peers) {
    if (peer.agent == agent) return &peer;
  }
  if (!create || listener.peers.size() >= kMaxPeerSettings) return nullptr;
  listener.peers.push_back(PeerSetting{agent});
  return &listener.peers.back();
}

MixerStatus RoomMixer::set_peer_gain(ListenerId listener, const base::Uuid& speaker_agent,
                                     double gain) {
  Listener* entry = find_listener(listener);
  if (!entry) return MixerStatus::UnknownId;
  if (!(gain >= 0 && gain <= kMaxPeerGain)) return MixerStatus::InvalidValue;
  PeerSetting* peer = peer_setting(*entry, speaker_agent, gain != 1);
  if (!peer) return gain == 1 ? MixerStatus::Ok : MixerStatus::Full;
  peer->gain = gain;
  return MixerStatus::Ok;
}

MixerStatus RoomMixer::set_peer_muted(ListenerId listener, const base::Uuid& speaker_agent,
                                      bool muted) {
  Listener* entry = find_listener(listener);
  if (!entry) return MixerStatus::UnknownId;
  PeerSetting* peer = peer_setting(*entry, speaker_agent, muted);
  if (!peer) return muted ? MixerStatus::Full : MixerStatus::Ok;
  peer->muted = muted;
  return MixerStatus::Ok;
}

std::optional<SpeakerStats> RoomMixer::speaker_stats(SpeakerId speaker) const {
  const auto found = speaker_index_.find(speaker);
  if (found == speaker_index_.end()) return std::nullopt;
  const auto& stream = speakers_[found->second]->stream;
  return SpeakerStats{stream.buffer().counters(), stream.counters()};
}

SpeakerStats RoomMixer::speaker_totals() const {
  SpeakerStats totals = removed_speakers_;
  for (const auto& speaker : speakers_) {
    if (speaker)
      totals += SpeakerStats{speaker->stream.buffer().counters(), speaker->stream.counters()};
  }
  return totals;
}

std::size_t RoomMixer::encoder_count() const {
  return static_cast<std::size_t>(std::count_if(lineages_.begin(), lineages_.end(),
                                                [](const auto& l) { return l != nullptr; }));
}

// ── encoder lineages ──

std::int32_t RoomMixer::new_lineage() {
  if (!spare_lineages_.empty()) {
    const std::int32_t index = spare_lineages_.back();
    spare_lineages_.pop_back();
    Lineage& lineage = *lineages_[static_cast<std::size_t>(index)];
    lineage.encoder.reset();
    lineage.limiter.reset();
    lineage.claimed_tick = 0;
    return index;
  }
  auto encoder = VoiceEncoder::create(config_.encoder);
  // The settings were accepted when the mixer was created; only allocation could fail, and
  // that throws like any other.
  auto lineage = std::make_unique<Lineage>(std::move(encoder.value()));
  if (!free_lineage_indices_.empty()) {
    const std::int32_t index = free_lineage_indices_.back();
    free_lineage_indices_.pop_back();
    lineages_[static_cast<std::size_t>(index)] = std::move(lineage);
    return index;
  }
  lineages_.push_back(std::move(lineage));
  return static_cast<std::int32_t>(lineages_.size() - 1);
}

std::int32_t RoomMixer::copy_lineage(std::int32_t source) {
  const std::int32_t index = new_lineage();
  Lineage& copy = *lineages_[static_cast<std::size_t>(index)];
  const Lineage& original = *lineages_[static_cast<std::size_t>(source)];
  copy.encoder.copy_state_from(original.encoder);
  copy.limiter = original.limiter;
  ++counters_.encoder_copies;
  return index;
}

void RoomMixer::hold(Listener& listener, std::int32_t lineage) {
  if (listener.lineage == lineage) return;
  drop_lineage(listener);
  listener.lineage = lineage;
  ++lineages_[static_cast<std::size_t>(lineage)]->users;
}

void RoomMixer::drop_lineage(Listener& listener) {
  if (listener.lineage < 0) return;
  const auto index = static_cast<std::size_t>(listener.lineage);
  listener.lineage = -1;
  listener.audio_last_tick = false;
  auto& lineage = lineages_[index];
  if (--lineage->users > 0) return;
  if (spare_lineages_.size() < kSpareEncoders) {
    spare_lineages_.push_back(static_cast<std::int32_t>(index));
  } else {
    lineage.reset();
    free_lineage_indices_.push_back(static_cast<std::int32_t>(index));
  }
}

// ── the tick ──

void RoomMixer::render_speakers(TimePoint now) {
  active_.clear();
  levels_.clear();
  for (std::size_t slot = 0; slot < speakers_.size(); ++slot) {
    Speaker* speaker = speakers_[slot].get();
    if (!speaker) continue;
    speaker->was_active = speaker->active;
    speaker->frame = speaker->stream.render();
    speaker->active = speaker->frame.audible;
    speaker->activity.update(speaker->frame.rms);
    if (speaker->frame.first_arrival) delays_.add(now - *speaker->frame.first_arrival);
    if (speaker->active) {
      active_.push_back(static_cast<std::uint32_t>(slot));
      ++counters_.speaker_frames;
    }
    levels_.push_back({speaker->id, speaker->activity.power(), speaker->activity.speaking()});
  }
}

void RoomMixer::build_signature(Listener& listener) {
  std::swap(listener.previous, listener.signature);
  listener.signature.clear();
  std::uint64_t hash = 0xcbf29ce484222325ull;
  auto before = listener.previous.begin();
  for (const std::uint32_t slot : active_) {
    const Speaker& speaker = *speakers_[slot];
    // Where this speaker was in last tick's mix (both lists go by slot).
    while (before != listener.previous.end() && before->slot < slot) ++before;
    const bool was_heard = before != listener.previous.end() && before->slot == slot &&
                           before->serial == speaker.serial;
    if (speaker.agent == listener.agent) continue;  // never one's own voice
    MixEntry entry{slot, speaker.serial};
    const PeerSetting* peer = nullptr;
    for (const PeerSetting& setting : listener.peers) {
      if (setting.agent == speaker.agent) peer = &setting;
    }
    if (!peer || !peer->muted) {
      const double user_gain = peer ? peer->gain : 1.0;
      const auto gains = spatial_gains(channel_, spatial_, listener.pose, speaker.position);
      entry.left_to = quantize(gains.left * user_gain);
      entry.right_to = quantize(gains.right * user_gain);
    }
    if (was_heard) {
      // Ramp from last tick's gains: no step when the listener turns, moves or mutes.
      entry.left_from = before->left_to;
      entry.right_from = before->right_to;
    } else if (!speaker.was_active) {
      // A voice that starts now starts at its gain (its audio starts from silence anyway).
      entry.left_from = entry.left_to;
      entry.right_from = entry.right_to;
    }  // else it was speaking but not heard (muted, out of range): fade in from 0.
    if ((entry.left_from | entry.right_from | entry.left_to | entry.right_to) == 0) continue;
    listener.signature.push_back(entry);
    hash = fnv1a(hash, (std::uint64_t{entry.slot} << 32) | entry.serial);
    hash = fnv1a(hash, (std::uint64_t{entry.left_from} << 48) |
                           (std::uint64_t{entry.right_from} << 32) |
                           (std::uint64_t{entry.left_to} << 16) | entry.right_to);
  }
  listener.hash = hash;
}

void RoomMixer::emit(Listener& listener, std::span<const std::uint8_t> payload, bool audio) {
  ListenerPacket packet;
  packet.listener = listener.id;
  packet.payload = payload;
  packet.timestamp_step =
      listener.ever_sent
          ? static_cast<std::uint32_t>((tick_ - listener.last_sent_tick) * kTickSamples)
          : static_cast<std::uint32_t>(kTickSamples);
  packet.marker = audio && !listener.audio_last_tick;
  listener.ever_sent = true;
  listener.last_sent_tick = tick_;
  packets_.push_back(packet);
}

void RoomMixer::serve_silence(Listener& listener) {
  ++counters_.silent_ticks;
  ++listener.silent_ticks;
  const bool after_audio = listener.audio_last_tick;
  listener.audio_last_tick = false;
  if (after_audio && !silence_frame_.empty()) {
    // In the place of the first DTX frame: see kSilenceTailTicks.
    emit(listener, silence_frame_, false);
    ++counters_.silence_frames;
  } else if ((listener.silent_ticks - 1) % kDtxIntervalTicks == 0) {
    emit(listener, kDtxPayload, false);
    ++counters_.dtx_frames;
  }
  if (listener.silent_ticks >= kReleaseEncoderTicks) drop_lineage(listener);
}

// Which encoder(s) the group's members are coded with this tick. Members that were coded last
// tick keep their lineage (or an exact copy of it, if another group took it first); the others
// (new, or back from silence, so their decoders have no stream to continue) join the lineage
// most members hold.
void RoomMixer::assign_lineages(std::size_t group_begin, std::size_t group_end,
                                std::uint32_t group) {
  copies_.clear();
  const std::size_t first = group_lineages_.size();
  group_lineage_begin_.push_back(first);
  auto count = [&](std::int32_t lineage) {
    for (std::size_t i = first; i < group_lineages_.size(); ++i) {
      if (group_lineages_[i].lineage == lineage) {
        ++group_lineages_[i].members;
        return;
      }
    }
    group_lineages_.push_back({lineage, 1});
  };
  bool any_free = false;
  for (std::size_t i = group_begin; i < group_end; ++i) {
    Listener& listener = *listeners_[order_[i]];
    if (listener.lineage < 0 || !listener.audio_last_tick) {
      any_free = true;
      continue;
    }
    Lineage& lineage = *lineages_[static_cast<std::size_t>(listener.lineage)];
    if (lineage.claimed_tick == tick_ && lineage.claimed_group != group) {
      // Another group codes this lineage this tick: continue on a copy of it.
      std::int32_t copy = -1;
      for (const auto& [source, made] : copies_) {
        if (source == listener.lineage) copy = made;
      }
      if (copy < 0) {
        copy = copy_lineage(listener.lineage);
        copies_.emplace_back(listener.lineage, copy);
        Lineage& made = *lineages_[static_cast<std::size_t>(copy)];
        made.claimed_tick = tick_;
        made.claimed_group = group;
      }
      const bool continues = listener.audio_last_tick;
      hold(listener, copy);
      listener.audio_last_tick = continues;
    } else {
      lineage.claimed_tick = tick_;
      lineage.claimed_group = group;
    }
    count(listener.lineage);
  }
  if (!any_free) return;
  std::int32_t primary = -1;
  std::uint32_t most = 0;
  for (std::size_t i = first; i < group_lineages_.size(); ++i) {
    if (group_lineages_[i].members > most) {
      most = group_lineages_[i].members;
      primary = group_lineages_[i].lineage;
    }
  }
  if (primary < 0) {
    // Nobody continues a stream here: a free member's own lineage will do if it is its alone
    // and no other group codes it this tick; else a fresh one.
    for (std::size_t i = group_begin; i < group_end && primary < 0; ++i) {
      const Listener& listener = *listeners_[order_[i]];
      if (listener.lineage < 0) continue;
      const Lineage& own = *lineages_[static_cast<std::size_t>(listener.lineage)];
      if (own.users == 1 && own.claimed_tick != tick_) primary = listener.lineage;
    }
    if (primary < 0) primary = new_lineage();
    Lineage& lineage = *lineages_[static_cast<std::size_t>(primary)];
    lineage.claimed_tick = tick_;
    lineage.claimed_group = group;
  }
  for (std::size_t i = group_begin; i < group_end; ++i) {
    Listener& listener = *listeners_[order_[i]];
    if (listener.lineage >= 0 && listener.audio_last_tick) continue;
    hold(listener, primary);
    count(primary);
  }
}

void RoomMixer::mix_group(std::size_t group_begin, std::size_t group_end, std::uint32_t group) {
  // The mix: every entry's mono frame, placed by its gains, ramped across the tick.
  const Listener& model = *listeners_[order_[group_begin]];
  std::fill(mix_.begin(), mix_.end(), 0.0f);
  for (const MixEntry& entry : model.signature) {
    const auto samples = speakers_[entry.slot]->frame.samples;
    const float left_from = static_cast<float>(entry.left_from / kGainSteps);
    const float right_from = static_cast<float>(entry.right_from / kGainSteps);
    const float left_to = static_cast<float>(entry.left_to / kGainSteps);
    const float right_to = static_cast<float>(entry.right_to / kGainSteps);
    float* out = mix_.data();
    if (left_from == left_to && right_from == right_to) {
      for (std::size_t i = 0; i < kTickSamples; ++i) {
        out[2 * i] += left_to * samples[i];
        out[2 * i + 1] += right_to * samples[i];
      }
    } else {
      const float left_step = (left_to - left_from) / kTickSamples;
      const float right_step = (right_to - right_from) / kTickSamples;
      for (std::size_t i = 0; i < kTickSamples; ++i) {
        const auto k = static_cast<float>(i + 1);
        out[2 * i] += (left_from + left_step * k) * samples[i];
        out[2 * i + 1] += (right_from + right_step * k) * samples[i];
      }
    }
  }
  ++counters_.mixes;

  const std::size_t first = group_lineage_begin_[group];
  const std::size_t last = group + 1 < group_lineage_begin_.size() ? group_lineage_begin_[group + 1]
                                                                   : group_lineages_.size();
  std::size_t lineages = last - first;
  if (lineages > 1) {
    if (peak_magnitude(mix_) < kMergePeak) {
      // A quiet frame: a seam here cannot be heard. Everyone onto the lineage most hold.
      std::size_t best = first;
      for (std::size_t i = first; i < last; ++i) {
        if (group_lineages_[i].members > group_lineages_[best].members) best = i;
      }
      const std::int32_t primary = group_lineages_[best].lineage;
      for (std::size_t i = group_begin; i < group_end; ++i) {
        Listener& listener = *listeners_[order_[i]];
        if (listener.lineage == primary) continue;
        hold(listener, primary);
        listener.audio_last_tick = true;  // the seam is the merge itself: no marker
        ++counters_.encoder_merges;
      }
      group_lineages_[first] = {primary, static_cast<std::uint32_t>(group_end - group_begin)};
      lineages = 1;
    }
  }

  for (std::size_t i = first; i < first + lineages; ++i) {
    Lineage& lineage = *lineages_[static_cast<std::size_t>(group_lineages_[i].lineage)];
    std::span<float> pcm = mix_;
    if (lineages > 1) {
      scratch_.assign(mix_.begin(), mix_.end());
      pcm = scratch_;
    }
    lineage.limiter.process(pcm);
    if (lineage.encoder.settings().complexity != complexity_) {
      lineage.encoder.set_complexity(complexity_);
    }
    if (complexity_ != config_.encoder.complexity) ++counters_.busy_encodes;
    const auto coded = lineage.encoder.encode(pcm, lineage.payload);
    if (coded) {
      lineage.payload_size = *coded;
    } else {
      lineage.payload_size = 0;
      ++counters_.encode_errors;
    }
    ++counters_.encodes;
  }

  for (std::size_t i = group_begin; i < group_end; ++i) {
    Listener& listener = *listeners_[order_[i]];
    const Lineage& lineage = *lineages_[static_cast<std::size_t>(listener.lineage)];
    listener.silent_ticks = 0;
    if (lineage.payload_size == 0) {
      emit(listener, kDtxPayload, false);
      listener.audio_last_tick = false;
      continue;
    }
    emit(listener, std::span<const std::uint8_t>(lineage.payload.data(), lineage.payload_size),
         true);
    listener.audio_last_tick = true;
    ++counters_.listener_frames;
  }
  counters_.shared_frames += (group_end - group_begin) - lineages;
}

std::span<const ListenerPacket> RoomMixer::mix(TimePoint now) {
  ++tick_;
  ++counters_.ticks;
  complexity_ = last_tick_encodes_ > config_.busy_encodes ? config_.busy_complexity
                                                          : config_.encoder.complexity;
  const auto encodes_before = counters_.encodes;
  packets_.clear();
  render_speakers(now);

  order_.clear();
  for (std::size_t i = 0; i < listeners_.size(); ++i) {
    Listener& listener = *listeners_[i];
    build_signature(listener);
    if (!listener.signature.empty()) {
      listener.tail_ticks = kSilenceTailTicks;
      order_.push_back(i);
    } else if (listener.audio_last_tick && listener.tail_ticks > 0) {
      // Hears nobody now: its empty mix is coded on its lineage a little longer.
      --listener.tail_ticks;
      order_.push_back(i);
    } else {
      listener.tail_ticks = 0;
      serve_silence(listener);
    }
  }
  // Listeners with equal mixes side by side (equal hashes first, then the lists themselves).
  std::sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) {
    const auto ha = listeners_[a]->hash;
    const auto hb = listeners_[b]->hash;
    return ha != hb ? ha < hb : a < b;
  });
  auto group_end = [&](std::size_t begin) {
    std::size_t end = begin + 1;
    const Listener& model = *listeners_[order_[begin]];
    while (end < order_.size() && listeners_[order_[end]]->hash == model.hash &&
           listeners_[order_[end]]->signature == model.signature) {
      ++end;
    }
    return end;
  };

  // Every group picks its lineages before any encodes: a copy must be taken before the
  // original codes this tick's frame.
  group_lineages_.clear();
  group_lineage_begin_.clear();
  std::uint32_t group = 0;
  for (std::size_t begin = 0; begin < order_.size(); ++group) {
    const std::size_t end = group_end(begin);
    assign_lineages(begin, end, group);
    begin = end;
  }
  group = 0;
  for (std::size_t begin = 0; begin < order_.size(); ++group) {
    const std::size_t end = group_end(begin);
    mix_group(begin, end, group);
    begin = end;
  }
  last_tick_encodes_ = counters_.encodes - encodes_before;
  return packets_;
}

}  // namespace webvox::mixer
