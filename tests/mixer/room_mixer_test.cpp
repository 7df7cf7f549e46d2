// The room mixer heard as a viewer hears it: speakers send tones coded with libopus, each
// listener's packets are decoded by a stereo libopus decoder, and levels are measured.
#include "mixer/room_mixer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <numbers>

#include "core/positional_gain.hpp"
#include "tone_source.hpp"

namespace webvox::mixer {
namespace {

using test::db;
using test::StereoEar;
using test::ToneSpeaker;

constexpr double kPi = std::numbers::pi;
constexpr double kTone = 0.25;
const double kToneRms = kTone / std::sqrt(2.0);
constexpr double kTolerance = 0.5;  // dB
constexpr std::size_t kMeasureTicks = 30;
constexpr int kLeft = 0;
constexpr int kRight = 1;

base::Uuid agent(unsigned char n) {
  base::Uuid id{};
  id[15] = n;
  return id;
}

core::Quaternion yaw(double radians) {
  return {0, 0, std::sin(radians / 2), std::cos(radians / 2)};
}
const core::Quaternion kEast = yaw(0);
const core::Quaternion kWest = yaw(kPi);

// A room with speakers that send tones and listeners whose ears decode what they are sent.
class Room {
 public:
  explicit Room(bool spatial = true, core::ChannelProperties channel = {})
      : mixer_(RoomMixer::create(channel, spatial).value()) {}

  RoomMixer& mixer() { return mixer_; }

  void speaker(SpeakerId id, unsigned char agent_number, std::optional<Vec3> position,
               double amplitude = kTone, double frequency = 440) {
    ASSERT_EQ(mixer_.add_speaker(id, agent(agent_number)), MixerStatus::Ok);
    ASSERT_EQ(mixer_.set_speaker_position(id, position), MixerStatus::Ok);
    tones_.emplace(id, ToneSpeaker(frequency, amplitude));
    sending_[id] = true;
  }
  void listener(ListenerId id, unsigned char agent_number, std::optional<Vec3> position,
                std::optional<core::Quaternion> rotation = kEast) {
    ASSERT_EQ(mixer_.add_listener(id, agent(agent_number)), MixerStatus::Ok);
    ASSERT_EQ(mixer_.set_listener_pose(id, ListenerPose{position, rotation}), MixerStatus::Ok);
    ears_[id];
  }
  void stop(SpeakerId id) { sending_[id] = false; }
  void resume(SpeakerId id) { sending_[id] = true; }
  void level_hint(SpeakerId id, std::uint8_t level) { levels_[id] = level; }

  std::span<const ListenerPacket> tick() {
    for (auto& [id, tone] : tones_) {
      const auto packet = tone.next();  // the microphone runs on; a stopped one is not sent
      if (!sending_[id]) continue;
      std::optional<std::uint8_t> level;
      if (const auto hint = levels_.find(id); hint != levels_.end()) level = hint->second;
      const auto pushed = mixer_.push(id, packet.at(now_ - arrival_lead_, level));
      EXPECT_TRUE(pushed.has_value());
    }
    const auto packets = mixer_.mix(now_);
    last_ = {packets.begin(), packets.end()};
    for (const auto& packet : packets)
      ears_[packet.listener].hear(packet.payload, packet.timestamp_step);
    now_ += kTickDuration;
    return last_;
  }
  void run(int ticks) {
    for (int i = 0; i < ticks; ++i) tick();
  }
  StereoEar& ear(ListenerId id) { return ears_.at(id); }
  double level(ListenerId id, int channel) { return ears_.at(id).rms_last(channel, kMeasureTicks); }
  void set_arrival_lead(std::chrono::milliseconds lead) { arrival_lead_ = lead; }
  const std::vector<ListenerPacket>& last_packets() const { return last_; }

 private:
  RoomMixer mixer_;
  std::map<SpeakerId, ToneSpeaker> tones_;
  std::map<SpeakerId, bool> sending_;
  std::map<SpeakerId, std::uint8_t> levels_;
  std::map<ListenerId, StereoEar> ears_;
  std::vector<ListenerPacket> last_;
  TimePoint now_{std::chrono::seconds(1000)};
  std::chrono::milliseconds arrival_lead_{0};
};

// Left over right, in dB, by the browser's pan law for a bearing.
double expected_left_over_right(double bearing) {
  const auto g = equal_power_gains(-std::sin(bearing));
  return db(g.left / g.right);
}

TEST(RoomMixer, ASpeakerOnTheLeftIsLouderOnTheLeftAndTurningSwapsIt) {
  Room room;
  const Vec3 speaker{100, 105, 20};
  room.speaker(1, 1, speaker);
  // Straight to the left of a listener facing east (north of it): the left ear only.
  room.listener(10, 10, Vec3{100, 100, 20}, kEast);
  // The same spot facing west: the right ear only.
  room.listener(11, 11, Vec3{100, 100, 20}, kWest);
  // 30° to the left, 5 m away; and the same spot turned round (150° to the right).
  const Vec3 oblique{100 - 5 * std::cos(kPi / 6), 105 - 5 * std::sin(kPi / 6), 20};
  room.listener(12, 12, oblique, kEast);
  room.listener(13, 13, oblique, kWest);
  room.run(60);

  EXPECT_NEAR(db(room.level(10, kLeft) / kToneRms), 0, kTolerance);
  EXPECT_GT(db(room.level(10, kLeft) / room.level(10, kRight)), 30);
  EXPECT_NEAR(db(room.level(11, kRight) / kToneRms), 0, kTolerance);
  EXPECT_GT(db(room.level(11, kRight) / room.level(11, kLeft)), 30);

  const double expected = expected_left_over_right(kPi / 6);  // 7.66 dB
  EXPECT_NEAR(expected, 7.66, 0.01);
  EXPECT_NEAR(db(room.level(12, kLeft) / room.level(12, kRight)), expected, kTolerance);
  EXPECT_NEAR(db(room.level(13, kRight) / room.level(13, kLeft)), expected, kTolerance);
  // Equal power: the pair adds up to the tone.
  const double power = std::pow(room.level(12, kLeft), 2) + std::pow(room.level(12, kRight), 2);
  EXPECT_NEAR(db(std::sqrt(power) / kToneRms), 0, kTolerance);
}

TEST(RoomMixer, TurningTheListenerMidStreamMovesTheVoice) {
  Room room;
  room.speaker(1, 1, Vec3{100, 105, 20});
  room.listener(10, 10, Vec3{100, 100, 20}, kEast);
  room.run(40);
  EXPECT_GT(db(room.level(10, kLeft) / room.level(10, kRight)), 30);
  ASSERT_EQ(room.mixer().set_listener_pose(10, {Vec3{100, 100, 20}, kWest}), MixerStatus::Ok);
  room.run(40);
  EXPECT_GT(db(room.level(10, kRight) / room.level(10, kLeft)), 30);
  EXPECT_NEAR(db(room.level(10, kRight) / kToneRms), 0, kTolerance);
}

TEST(RoomMixer, LevelsAcrossDistancesFollowThePositionalGain) {
  core::ChannelProperties channel;  // linear, 10 m, 60 m, roll-off 2
  Room room(true, channel);
  room.speaker(1, 1, Vec3{50, 50, 25});
  const double distances[] = {5, 15, 20, 25, 30};
  ListenerId id = 10;
  for (const double d : distances) {
    // East of the speaker, facing west towards it: centred.
    room.listener(id, static_cast<unsigned char>(id), Vec3{50 + d, 50, 25}, kWest);
    ++id;
  }
  room.listener(20, 20, Vec3{90, 50, 25}, kWest);  // 40 m: beyond 35 m the linear model is silent
  room.run(60);
  id = 10;
  const double centred = std::sqrt(0.5);
  for (const double d : distances) {
    const double expected = core::positional_gain(channel, d) * centred * kToneRms;
    for (const int side : {kLeft, kRight}) {
      EXPECT_NEAR(db(room.level(id, side) / expected), 0, kTolerance) << d << " m";
    }
    ++id;
  }
  // Out of range: only DTX frames, nothing coded for it.
  EXPECT_EQ(room.ear(20).dtx_packets(), room.ear(20).packets());
  EXPECT_LT(room.level(20, kLeft), 1e-4);
}

TEST(RoomMixer, OtherDistanceModelsToo) {
  core::ChannelProperties channel;
  channel.distance_model = core::DistanceModel::Inverse;
  channel.clamping_distance = 2;
  channel.roll_off = 1.5;
  Room room(true, channel);
  room.speaker(1, 1, Vec3{50, 50, 25});
  room.listener(10, 10, Vec3{51, 50, 25}, kWest);
  room.listener(11, 11, Vec3{58, 50, 25}, kWest);
  room.run(60);
  const double expected = db(core::positional_gain(channel, 8));  // -13.0 dB
  EXPECT_NEAR(db(room.level(11, kLeft) / room.level(10, kLeft)), expected, kTolerance);
}

TEST(RoomMixer, UserGainScalesAndMuteSilencesForThatListenerOnly) {
  Room room;
  room.speaker(1, 1, Vec3{100, 105, 20});  // north: every listener's left
  room.speaker(2, 2, Vec3{100, 95, 20});   // south: every listener's right
  const Vec3 spot{100, 100, 20};
  room.listener(10, 10, spot);
  room.listener(11, 11, spot);
  room.listener(12, 12, spot);
  room.listener(13, 13, spot);
  ASSERT_EQ(room.mixer().set_peer_gain(11, agent(1), 0.5), MixerStatus::Ok);
  ASSERT_EQ(room.mixer().set_peer_gain(13, agent(1), 2.0), MixerStatus::Ok);
  ASSERT_EQ(room.mixer().set_peer_muted(12, agent(1), true), MixerStatus::Ok);
  room.run(60);
  // The untouched listener hears both at full level.
  EXPECT_NEAR(db(room.level(10, kLeft) / kToneRms), 0, kTolerance);
  EXPECT_NEAR(db(room.level(10, kRight) / kToneRms), 0, kTolerance);
  // ug 0.5: -6 dB on speaker 1 only.
  EXPECT_NEAR(db(room.level(11, kLeft) / room.level(10, kLeft)), db(0.5), kTolerance);
  EXPECT_NEAR(db(room.level(11, kRight) / room.level(10, kRight)), 0, kTolerance);
  // ug 2: +6 dB.
  EXPECT_NEAR(db(room.level(13, kLeft) / room.level(10, kLeft)), db(2.0), kTolerance);
  // Muted: speaker 1 gone for this listener, speaker 2 still there.
  EXPECT_GT(db(room.level(10, kLeft) / room.level(12, kLeft)), 40);
  EXPECT_NEAR(db(room.level(12, kRight) / kToneRms), 0, kTolerance);
  // Unmuting brings it back.
  ASSERT_EQ(room.mixer().set_peer_muted(12, agent(1), false), MixerStatus::Ok);
  room.run(40);
  EXPECT_NEAR(db(room.level(12, kLeft) / kToneRms), 0, kTolerance);
}

TEST(RoomMixer, PeerSettingsAreChecked) {
  Room room;
  room.listener(10, 10, Vec3{1, 1, 1});
  EXPECT_EQ(room.mixer().set_peer_gain(10, agent(1), 2.5), MixerStatus::InvalidValue);
  EXPECT_EQ(room.mixer().set_peer_gain(10, agent(1), -0.1), MixerStatus::InvalidValue);
  EXPECT_EQ(room.mixer().set_peer_gain(10, agent(1), NAN), MixerStatus::InvalidValue);
  EXPECT_EQ(room.mixer().set_peer_gain(99, agent(1), 1), MixerStatus::UnknownId);
  EXPECT_EQ(room.mixer().set_listener_pose(10, {Vec3{NAN, 0, 0}, kEast}),
            MixerStatus::InvalidValue);
  EXPECT_EQ(room.mixer().add_listener(10, agent(3)), MixerStatus::DuplicateId);
  // Bounded: one entry per peer, at most kMaxPeerSettings.
  for (std::size_t i = 0; i < RoomMixer::kMaxPeerSettings; ++i) {
    base::Uuid peer{};
    peer[0] = static_cast<unsigned char>(i);
    peer[1] = static_cast<unsigned char>(i >> 8);
    peer[2] = 7;
    ASSERT_EQ(room.mixer().set_peer_muted(10, peer, true), MixerStatus::Ok);
  }
  EXPECT_EQ(room.mixer().set_peer_muted(10, agent(200), true), MixerStatus::Full);
  EXPECT_EQ(room.mixer().set_peer_gain(10, agent(200), 1.0), MixerStatus::Ok);  // the default
}

TEST(RoomMixer, NobodyHearsTheirOwnAgent) {
  Room room;
  room.speaker(1, 7, Vec3{100, 105, 20});
  room.listener(10, 7, Vec3{100, 100, 20});  // the speaker's own session
  room.listener(11, 8, Vec3{100, 100, 20});
  room.run(40);
  EXPECT_EQ(room.ear(10).dtx_packets(), room.ear(10).packets());
  EXPECT_LT(room.level(10, kLeft), 1e-4);
  EXPECT_NEAR(db(room.level(11, kLeft) / kToneRms), 0, kTolerance);
}

TEST(RoomMixer, NonSpatialRoomsAreCentred) {
  Room room(false);
  room.speaker(1, 1, Vec3{100, 140, 20});  // far off to the left: it makes no difference
  room.listener(10, 10, Vec3{100, 100, 20});
  room.listener(11, 11, std::nullopt, std::nullopt);
  room.run(60);
  const double expected = std::sqrt(0.5) * kToneRms;
  for (const ListenerId id : {ListenerId{10}, ListenerId{11}}) {
    EXPECT_NEAR(db(room.level(id, kLeft) / expected), 0, kTolerance);
    EXPECT_NEAR(db(room.level(id, kLeft) / room.level(id, kRight)), 0, 0.1);
  }
}

TEST(RoomMixer, IdenticalMixesAreEncodedOnce) {
  Room room(false);
  room.speaker(1, 1, std::nullopt);
  room.speaker(2, 2, std::nullopt, kTone, 660);
  room.listener(10, 1, std::nullopt);  // speaker 1's own session: hears 2
  room.listener(11, 2, std::nullopt);  // hears 1
  for (unsigned char a = 20; a < 26; ++a) room.listener(a, a, std::nullopt);  // hear both
  room.run(10);
  const auto before = room.mixer().counters();
  room.run(20);
  const auto after = room.mixer().counters();
  // Three distinct mixes, three encodes per tick for eight listeners.
  EXPECT_EQ(after.mixes - before.mixes, 3u * 20);
  EXPECT_EQ(after.encodes - before.encodes, 3u * 20);
  EXPECT_EQ(after.listener_frames - before.listener_frames, 8u * 20);
  EXPECT_EQ(after.shared_frames - before.shared_frames, 5u * 20);
  // And they all hear what they should.
  EXPECT_NEAR(db(room.level(20, kLeft) / (std::sqrt(1.0) * kToneRms)), 0, kTolerance);
  EXPECT_NEAR(db(room.level(10, kLeft) / (std::sqrt(0.5) * kToneRms)), 0, kTolerance);
}

TEST(RoomMixer, TwoListenersOnOneSpotShareInASpatialRoomToo) {
  Room room;
  room.speaker(1, 1, Vec3{100, 105, 20});
  room.listener(10, 10, Vec3{100, 100, 20});
  room.listener(11, 11, Vec3{100, 100, 20});
  room.listener(12, 12, Vec3{102, 100, 20});
  room.run(10);
  const auto before = room.mixer().counters();
  room.run(10);
  EXPECT_EQ(room.mixer().counters().encodes - before.encodes, 2u * 10);
}

TEST(RoomMixer, AListenerLeavingASharedMixContinuesOnACopyOfItsEncoder) {
  Room room(false);
  room.speaker(1, 1, std::nullopt);
  room.listener(10, 10, std::nullopt);
  room.listener(11, 11, std::nullopt);
  room.run(20);
  EXPECT_EQ(room.mixer().counters().encoder_copies, 0u);
  ASSERT_EQ(room.mixer().set_peer_gain(11, agent(1), 0.5), MixerStatus::Ok);
  room.run(40);
  EXPECT_EQ(room.mixer().counters().encoder_copies, 1u);
  EXPECT_NEAR(db(room.level(11, kLeft) / room.level(10, kLeft)), db(0.5), kTolerance);
  // No marker on the listener that moved: its stream went on without a break.
  for (const auto& packet : room.last_packets()) EXPECT_FALSE(packet.marker);
}

TEST(RoomMixer, ListenersOnDifferentEncodersMergeOnAQuietFrame) {
  Room room(false);
  room.speaker(1, 1, std::nullopt, 0.005);  // a quiet voice: peaks under -40 dBFS
  room.speaker(2, 2, std::nullopt);         // a loud one, that stops
  room.listener(10, 2, std::nullopt);       // speaker 2's own session: hears only 1
  room.listener(11, 11, std::nullopt);      // hears both, then only 1
  room.run(20);
  room.stop(2);
  room.run(10);
  EXPECT_GE(room.mixer().counters().encoder_merges, 1u);
  const auto before = room.mixer().counters();
  room.run(10);
  EXPECT_EQ(room.mixer().counters().encodes - before.encodes, 10u);
  EXPECT_EQ(room.mixer().counters().shared_frames - before.shared_frames, 10u);
}

TEST(RoomMixer, ListenersBackFromSilenceJoinTheSharedEncoder) {
  Room room(false);
  room.speaker(1, 1, std::nullopt);
  room.speaker(2, 2, std::nullopt);
  room.listener(10, 2, std::nullopt);
  room.listener(11, 11, std::nullopt);
  room.run(20);
  room.stop(2);
  room.stop(1);  // both loud: no quiet frame to merge on, but then silence
  room.run(20);
  room.resume(1);
  room.run(5);
  const auto before = room.mixer().counters();
  room.run(10);
  EXPECT_EQ(room.mixer().counters().encodes - before.encodes, 10u);
}

TEST(RoomMixer, SpeakerTotalsSumEverySpeakerAndKeepThoseRemoved) {
  Room room;
  room.speaker(1, 1, Vec3{100, 105, 20});
  room.speaker(2, 2, Vec3{100, 95, 20});
  room.listener(10, 10, Vec3{100, 100, 20});
  room.run(30);
  const auto one = *room.mixer().speaker_stats(1);
  const auto two = *room.mixer().speaker_stats(2);
  auto totals = room.mixer().speaker_totals();
  EXPECT_EQ(totals.jitter.pushed, one.jitter.pushed + two.jitter.pushed);
  EXPECT_EQ(totals.jitter.played, 60u);
  EXPECT_EQ(totals.decode.decoded, one.decode.decoded + two.decode.decoded);
  room.stop(2);
  ASSERT_EQ(room.mixer().remove_speaker(2), MixerStatus::Ok);
  room.run(10);
  totals = room.mixer().speaker_totals();
  EXPECT_EQ(totals.jitter.played, 70u);  // speaker 2's 30 stay counted
  EXPECT_EQ(totals.decode.decoded,
            room.mixer().speaker_stats(1)->decode.decoded + two.decode.decoded);
}

TEST(RoomMixer, SilentSpeakersAreNeitherDecodedNorMixed) {
  Room room;
  room.speaker(1, 1, Vec3{100, 105, 20});
  // Four open microphones in a quiet room: their audio level says silence.
  for (SpeakerId id = 2; id <= 5; ++id) {
    room.speaker(id, static_cast<unsigned char>(id), Vec3{100, 95, 20}, 0.0);
    room.level_hint(id, 127);
  }
  room.listener(10, 10, Vec3{100, 100, 20});
  room.run(100);
  for (SpeakerId id = 2; id <= 5; ++id) {
    const auto stats = *room.mixer().speaker_stats(id);
    EXPECT_EQ(stats.decode.decoded, static_cast<unsigned>(SpeakerStream::kSilentHangoverPackets));
    EXPECT_EQ(stats.decode.skipped_silent, 100u - SpeakerStream::kSilentHangoverPackets);
  }
  EXPECT_EQ(room.mixer().speaker_stats(1)->decode.decoded, 100u);
  // Only speaker 1 was mixed (the others decoded to digital silence during their hangover).
  EXPECT_EQ(room.mixer().counters().speaker_frames, 100u);
  // A speaker who stops sending stops costing decodes after its concealment tail.
  room.stop(1);
  room.run(50);
  const auto stats = *room.mixer().speaker_stats(1);
  EXPECT_EQ(stats.decode.decoded, 100u);
  EXPECT_EQ(stats.decode.concealed, 3u);
  // With nobody to hear, the listener gets DTX frames every 400 ms, nothing encoded.
  const auto before = room.mixer().counters();
  room.run(40);
  EXPECT_EQ(room.mixer().counters().encodes, before.encodes);
  EXPECT_EQ(room.mixer().counters().dtx_frames - before.dtx_frames, 2u);
}

TEST(RoomMixer, EncodersOfListenersWhoHearNobodyAreGivenBack) {
  Room room;
  room.speaker(1, 1, Vec3{100, 105, 20});
  for (unsigned char i = 0; i < 8; ++i) room.listener(10 + i, 10 + i, Vec3{100.0 + i, 100, 20});
  room.run(10);
  EXPECT_EQ(room.mixer().encoder_count(), 8u);
  room.stop(1);
  room.run(RoomMixer::kReleaseEncoderTicks + 5);
  // Silent for a second: only the spares are kept.
  EXPECT_EQ(room.mixer().encoder_count(), RoomMixer::kSpareEncoders);
  room.resume(1);
  room.run(10);
  EXPECT_EQ(room.mixer().encoder_count(), 8u);
  ASSERT_EQ(room.last_packets().size(), 8u);
  for (const auto& packet : room.last_packets()) EXPECT_GT(packet.payload.size(), 2u);
}

TEST(RoomMixer, TimestampsAdvanceOverSilenceAndTalkSpurtsAreMarked) {
  Room room;
  room.speaker(1, 1, Vec3{100, 105, 20});
  room.listener(10, 10, Vec3{100, 100, 20});
  auto packets = room.tick();
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_TRUE(packets[0].marker);
  EXPECT_EQ(packets[0].timestamp_step, kTickSamples);
  packets = room.tick();
  EXPECT_FALSE(packets[0].marker);
  EXPECT_EQ(packets[0].timestamp_step, kTickSamples);
  room.stop(1);
  // Coded: the speaker's concealment tail (3 ticks), then the listener's own tail of its empty
  // mix; then one silence frame in the place of a DTX frame, then nothing for 19 ticks.
  const int coded_ticks = 3 + RoomMixer::kSilenceTailTicks;
  int silence = 0;
  for (int i = 0; i < coded_ticks + 20; ++i) {
    const auto sent = room.tick();
    if (i < coded_ticks) {
      ASSERT_EQ(sent.size(), 1u) << i;
      EXPECT_GT(sent[0].payload.size(), 10u) << i;
      continue;
    }
    for (const auto& p : sent) {
      ++silence;
      EXPECT_EQ(i, coded_ticks);
      EXPECT_GT(p.payload.size(), 2u);
      EXPECT_LT(p.payload.size(), 10u);
      EXPECT_FALSE(p.marker);
      EXPECT_EQ(p.timestamp_step, kTickSamples);
    }
  }
  EXPECT_EQ(silence, 1);
  room.resume(1);
  packets = room.tick();
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_TRUE(packets[0].marker);
  EXPECT_GT(packets[0].payload.size(), 2u);
  EXPECT_EQ(packets[0].timestamp_step, 20 * kTickSamples);
}

// A listener whose only speaker walks out of range, after a long steady voice (its decoder's
// background-noise estimate has risen to the voice's level): before any DTX its decoder is
// sent the end of the voice and a silence frame, so it conceals the DTX frames as silence, not
// as noise shaped like the voice.
TEST(RoomMixer, AListenerWhoStopsHearingIsSentSilenceBeforeDtx) {
  core::ChannelProperties channel;  // linear, 10 m, 60 m, roll-off 2: silent beyond 35 m
  Room room(true, channel);
  room.speaker(1, 1, Vec3{105, 100, 20});
  room.listener(10, 10, Vec3{100, 100, 20});
  room.run(1500);  // 30 s
  ASSERT_GT(room.level(10, kLeft), 0.05);
  ASSERT_EQ(room.mixer().set_speaker_position(1, Vec3{140, 100, 20}), MixerStatus::Ok);
  // The fade to the new gain (one tick), then the tail of the empty mix: coded frames.
  for (int i = 0; i < 1 + RoomMixer::kSilenceTailTicks; ++i) {
    const auto packets = room.tick();
    ASSERT_EQ(packets.size(), 1u);
    EXPECT_GT(packets[0].payload.size(), 10u) << i;
  }
  // Then the silence frame: a CELT frame whose first coded symbol says silence.
  const auto before = room.mixer().counters();
  auto packets = room.tick();
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_GT(packets[0].payload.size(), 2u);  // not DTX to a receiver (WebRTC: <= 2 bytes)
  EXPECT_LT(packets[0].payload.size(), 10u);
  EXPECT_FALSE(packets[0].marker);
  EXPECT_EQ(room.mixer().counters().silence_frames - before.silence_frames, 1u);
  EXPECT_EQ(room.mixer().counters().encodes, before.encodes);
  // Then DTX only, every 400 ms, nothing coded.
  const int dtx_before = room.ear(10).dtx_packets();
  const int packets_before = room.ear(10).packets();
  room.run(2 * RoomMixer::kDtxIntervalTicks);
  EXPECT_EQ(room.ear(10).packets() - packets_before, 2);
  EXPECT_EQ(room.ear(10).dtx_packets() - dtx_before, 2);
  EXPECT_EQ(room.mixer().counters().encodes, before.encodes);
  // What the listener's decoder plays over that time, concealing the DTX frames: silence.
  for (const int side : {kLeft, kRight}) {
    EXPECT_LT(room.ear(10).rms_last(side, 2 * RoomMixer::kDtxIntervalTicks), 1e-4) << side;
  }
  // Back in range: heard again at once, the talk spurt marked.
  ASSERT_EQ(room.mixer().set_speaker_position(1, Vec3{105, 100, 20}), MixerStatus::Ok);
  packets = room.tick();
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_TRUE(packets[0].marker);
  room.run(kMeasureTicks);
  EXPECT_GT(room.level(10, kLeft), 0.05);
}

TEST(RoomMixer, LevelsAndSpeakingForTheRoster) {
  Room room;
  room.speaker(1, 1, Vec3{100, 105, 20});
  room.speaker(2, 2, Vec3{100, 95, 20}, 0.0);
  room.run(10);
  const auto levels = room.mixer().levels();
  ASSERT_EQ(levels.size(), 2u);
  for (const auto& level : levels) {
    if (level.speaker == 1) {
      EXPECT_TRUE(level.speaking);
      // -15 dBFS RMS on the viewer's scale: 1 - 0.008 × 15 = 0.88.
      EXPECT_NEAR(level.power, 0.88, 0.02);
    } else {
      EXPECT_FALSE(level.speaking);
      EXPECT_LT(level.power, 0.3);
    }
  }
  room.stop(1);
  room.run(VoiceActivity::kHangoverTicks + 5);
  for (const auto& level : room.mixer().levels()) EXPECT_FALSE(level.speaking);
}

TEST(RoomMixer, DelayFromArrivalToMixIsMeasured) {
  Room room;
  room.speaker(1, 1, Vec3{100, 105, 20});
  room.listener(10, 10, Vec3{100, 100, 20});
  room.set_arrival_lead(std::chrono::milliseconds(12));  // packets come 12 ms before the tick
  room.run(100);
  const auto& delays = room.mixer().delays();
  EXPECT_EQ(delays.count(), 100u);
  EXPECT_EQ(delays.percentile(0.5), std::chrono::milliseconds(13));
  EXPECT_EQ(delays.percentile(0.99), std::chrono::milliseconds(13));
}

TEST(RoomMixer, RemovingSpeakersAndListenersMidStream) {
  Room room;
  room.speaker(1, 1, Vec3{100, 105, 20});
  room.speaker(2, 2, Vec3{100, 95, 20});
  room.listener(10, 10, Vec3{100, 100, 20});
  room.listener(11, 11, Vec3{100, 100, 20});
  room.run(10);
  EXPECT_EQ(room.mixer().remove_listener(10), MixerStatus::Ok);
  EXPECT_EQ(room.mixer().remove_listener(10), MixerStatus::UnknownId);
  EXPECT_EQ(room.mixer().remove_speaker(1), MixerStatus::Ok);
  EXPECT_TRUE(!(room.mixer().push(1, {})).has_value());
  // The tone source for 1 keeps running in the harness: its pushes now fail (checked there),
  // so stop it.
  room.stop(1);
  room.run(60);
  EXPECT_LT(room.level(11, kLeft), 1e-3);
  EXPECT_NEAR(db(room.level(11, kRight) / kToneRms), 0, kTolerance);
  EXPECT_EQ(room.mixer().listener_count(), 1u);
  EXPECT_EQ(room.mixer().speaker_count(), 1u);
}

TEST(RoomMixer, RefusesEncoderSettingsLibopusRefuses) {
  MixerConfig config;
  config.encoder.complexity = 11;
  EXPECT_TRUE(!(RoomMixer::create({}, true, config)).has_value());
  config = {};
  config.busy_complexity = -1;
  EXPECT_TRUE(!(RoomMixer::create({}, true, config)).has_value());
}

TEST(RoomMixer, ABusyRoomCodesAtTheBusyComplexity) {
  MixerConfig config;
  config.busy_encodes = 2;
  auto mixer = RoomMixer::create({}, true, config).value();
  ToneSpeaker tone;
  mixer.add_speaker(1, agent(1));
  mixer.set_speaker_position(1, Vec3{100, 105, 20});
  for (unsigned char i = 0; i < 3; ++i) {  // three spots: three mixes
    mixer.add_listener(i, agent(static_cast<unsigned char>(10 + i)));
    mixer.set_listener_pose(i, {Vec3{100.0 + i, 100, 20}, kEast});
  }
  TimePoint now{};
  for (int t = 0; t < 10; ++t) {
    mixer.push(1, tone.next().at(now));
    mixer.mix(now);
    now += kTickDuration;
  }
  // The first tick coded at full complexity; from then on three per tick at the busy one.
  EXPECT_EQ(mixer.counters().encodes, 30u);
  EXPECT_EQ(mixer.counters().busy_encodes, 27u);
  // Two listeners: not busy.
  mixer.remove_listener(2);
  const auto before = mixer.counters().busy_encodes;
  for (int t = 0; t < 10; ++t) {
    mixer.push(1, tone.next().at(now));
    mixer.mix(now);
    now += kTickDuration;
  }
  EXPECT_EQ(mixer.counters().busy_encodes - before, 2u);  // the tick after the last busy one
}

}  // namespace
}  // namespace webvox::mixer
