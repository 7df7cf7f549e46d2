// The viewers' mixer (src/mixer): what one 20 ms tick costs for a room of N viewer sessions,
// what coding costs at each Opus complexity, how much memory a listener and a speaker hold,
// and the delay the jitter buffers add. Every session is both a speaker and a listener (a
// viewer connection sends its microphone and receives its own mix); all of them send packets
// every 20 ms (viewers do not negotiate DTX), 3 of them voice, the rest silence coded by Opus
// with RFC 6464 level 127 (the `nohint` layout leaves the level out, so silence is decoded).
// Layouts: crowded = everyone within 15 m (all in range of everyone: every listener hears all
// 3 voices, each at its own gains, so every listener has its own encode); spread = at random
// in a 256 m region (most hear nobody); centred = a multiagent (non-spatial) room.
// Speech is modelled by a voiced signal with a gliding pitch and syllable envelope, coded the
// way the viewer's libwebrtc codes it (stereo Opus, 64 kb/s).
//
// AudioBridgeModel does the libopus work Janus AudioBridge (Debian's 1.1.2) does per
// participant per 20 ms in a spatial 48 kHz room as os-webrtc-janus creates it: decode every
// participant's packet, and one stereo encode per participant with OPUS_APPLICATION_VOIP,
// complexity 4 (its DEFAULT_COMPLEXITY) and the bitrate left to libopus (OPUS_AUTO: 99 kb/s
// for 48 kHz stereo, which libopus codes as CELT). A lower bound for Janus (its mixing,
// queues, threads and per-packet plumbing come on top), to read beside the load test's
// side-by-side figures.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <variant>
#include <vector>

#include "mixer/room_mixer.hpp"
#include "mixer/voice_decoder.hpp"
#include "mixer/voice_encoder.hpp"

using namespace webvox::mixer;

namespace {

constexpr int kVoices = 3;
constexpr std::size_t kLoopPackets = 250;  // 5 s of each voice, cycled

// One voice: harmonics of a gliding pitch under a syllable envelope, with breath noise.
std::vector<float> voice(int which, std::size_t samples) {
  std::mt19937 random(static_cast<unsigned>(which) + 1);
  std::normal_distribution<double> noise(0, 1);
  std::vector<float> pcm(samples);
  double phase = 0;
  const double base = 110 + 40 * which;
  for (std::size_t i = 0; i < samples; ++i) {
    const double t = static_cast<double>(i) / kSampleRate;
    phase +=
        2 * std::numbers::pi * (base + 25 * std::sin(2 * std::numbers::pi * 0.6 * t)) / kSampleRate;
    double voiced = 0;
    for (int h = 1; h <= 30; ++h) voiced += std::sin(h * phase) / h;
    // Syllables, never quite silent: the three voices talk at once all the time.
    const double envelope =
        0.15 +
        0.85 *
            std::pow(std::max(0.0, std::sin(2 * std::numbers::pi * (2.1 + 0.3 * which) * t)), 0.6);
    pcm[i] = static_cast<float>(envelope * (0.12 * voiced + 0.01 * noise(random)));
  }
  return pcm;
}

// What a viewer's libwebrtc sends: stereo Opus (its mono microphone on both channels).
EncoderSettings viewer_settings() {
  EncoderSettings settings;
  settings.channels = 2;
  settings.application = EncoderSettings::Application::Audio;
  settings.bitrate = 64000;
  settings.complexity = 9;
  return settings;
}

std::vector<std::vector<std::uint8_t>> coded_loop(int which, bool silent) {
  auto encoder = (VoiceEncoder::create(viewer_settings())).value();
  const auto mono = silent ? std::vector<float>(kLoopPackets * kTickSamples)
                           : voice(which, kLoopPackets * kTickSamples);
  std::vector<std::vector<std::uint8_t>> packets;
  std::vector<float> stereo(2 * kTickSamples);
  for (std::size_t p = 0; p < kLoopPackets; ++p) {
    for (std::size_t i = 0; i < kTickSamples; ++i) {
      stereo[2 * i] = stereo[2 * i + 1] = mono[p * kTickSamples + i];
    }
    std::vector<std::uint8_t> out(kMaxEncodedBytes);
    out.resize(encoder.encode(stereo, out).value());
    packets.push_back(std::move(out));
  }
  return packets;
}

const std::vector<std::vector<std::uint8_t>>& voice_loop(int which) {
  static const std::vector<std::vector<std::vector<std::uint8_t>>> loops = [] {
    std::vector<std::vector<std::vector<std::uint8_t>>> all;
    for (int v = 0; v < kVoices; ++v) all.push_back(coded_loop(v, false));
    return all;
  }();
  return loops[static_cast<std::size_t>(which)];
}

const std::vector<std::vector<std::uint8_t>>& silence_loop() {
  static const auto loop = coded_loop(0, true);
  return loop;
}

webvox::base::Uuid agent(std::size_t n) {
  webvox::base::Uuid id{};
  for (int b = 0; b < 8; ++b) id[15 - b] = static_cast<unsigned char>(n >> (8 * b));
  id[0] = 0x42;
  return id;
}

enum Layout { kCrowded = 0, kSpread = 1, kCrowdedNoHint = 2, kCentred = 3 };

// N sessions, each a speaker and a listener of one agent, sending every tick.
class Session {
 public:
  Session(int size, Layout layout, bool listeners = true, const MixerConfig& config = {})
      : mixer_(RoomMixer::create({}, layout != kCentred, config).value()),
        size_(size),
        hint_(layout != kCrowdedNoHint) {
    std::mt19937 random(7);
    std::uniform_real_distribution<double> unit(0, 1);
    for (int i = 0; i < size; ++i) {
      Vec3 at;
      if (layout == kSpread) {
        at = {256 * unit(random), 256 * unit(random), 25};
      } else {
        const double r = 15 * std::sqrt(unit(random));
        const double a = 2 * std::numbers::pi * unit(random);
        at = {128 + r * std::cos(a), 128 + r * std::sin(a), 25};
      }
      const auto id = static_cast<std::uint64_t>(i);
      mixer_.add_speaker(id, agent(id));
      mixer_.set_speaker_position(id, at);
      if (listeners) {
        const double yaw = 2 * std::numbers::pi * unit(random);
        mixer_.add_listener(id, agent(id));
        mixer_.set_listener_pose(
            id, {at, webvox::core::Quaternion{0, 0, std::sin(yaw / 2), std::cos(yaw / 2)}});
      }
    }
  }

  std::span<const ListenerPacket> tick() {
    const std::size_t index = tick_ % kLoopPackets;
    for (int i = 0; i < size_; ++i) {
      const bool speaking = i < kVoices;
      const auto& payload = speaking ? voice_loop(i)[index] : silence_loop()[index];
      SpeakerPacket packet{static_cast<std::uint16_t>(tick_),
                           static_cast<std::uint32_t>(tick_ * kTickSamples), payload, now_,
                           std::nullopt};
      if (hint_) packet.level_minus_dbov = speaking ? std::uint8_t{25} : std::uint8_t{127};
      mixer_.push(static_cast<std::uint64_t>(i), packet);
    }
    const auto packets = mixer_.mix(now_);
    now_ += kTickDuration;
    ++tick_;
    return packets;
  }

  RoomMixer& mixer() { return mixer_; }

 private:
  RoomMixer mixer_;
  int size_;
  bool hint_;
  std::size_t tick_ = 0;
  TimePoint now_{std::chrono::seconds(1)};
};

void report_tick(benchmark::State& state, const RoomMixer& mixer, const MixerCounters& before,
                 int size) {
  const auto& after = mixer.counters();
  const double ticks = static_cast<double>(after.ticks - before.ticks);
  state.counters["encodes/tick"] = static_cast<double>(after.encodes - before.encodes) / ticks;
  state.counters["mixed_speakers/tick"] =
      static_cast<double>(after.speaker_frames - before.speaker_frames) / ticks;
  state.counters["dtx/tick"] = static_cast<double>(after.dtx_frames - before.dtx_frames) / ticks;
  // Sessions one core could serve at this size: N sessions per tick, 50 ticks a second.
  state.counters["sessions/core"] =
      benchmark::Counter(size * 0.020, benchmark::Counter::kIsIterationInvariantRate);
}

// One tick for N sessions: pushing every session's packet, decoding, mixing, coding. The third
// argument: 1 = the default busy-room complexity step, 0 = always complexity 5.
void MixerTick(benchmark::State& state) {
  const int size = static_cast<int>(state.range(0));
  const auto layout = static_cast<Layout>(state.range(1));
  MixerConfig config;
  if (state.range(2) == 0) config.busy_encodes = SIZE_MAX;
  Session session(size, layout, true, config);
  for (int i = 0; i < 100; ++i) session.tick();  // past the silent speakers' hangover
  const auto before = session.mixer().counters();
  for (auto _ : state) benchmark::DoNotOptimize(session.tick());
  report_tick(state, session.mixer(), before, size);
}
BENCHMARK(MixerTick)
    ->ArgNames({"sessions", "layout", "busy_step"})
    ->ArgsProduct({{10, 50, 100, 250}, {kCrowded, kSpread, kCrowdedNoHint, kCentred}, {1}})
    ->Args({100, kCrowded, 0})
    ->Args({250, kCrowded, 0})
    ->Unit(benchmark::kMicrosecond);

// The same rooms without listeners: what pushing and decoding alone cost (the decode share).
void MixerTickDecodeOnly(benchmark::State& state) {
  const int size = static_cast<int>(state.range(0));
  const auto layout = static_cast<Layout>(state.range(1));
  Session session(size, layout, false);
  for (int i = 0; i < 100; ++i) session.tick();
  for (auto _ : state) benchmark::DoNotOptimize(session.tick());
}
BENCHMARK(MixerTickDecodeOnly)
    ->ArgNames({"sessions", "layout"})
    ->ArgsProduct({{10, 50, 100, 250}, {kCrowded, kCrowdedNoHint}})
    ->Unit(benchmark::kMicrosecond);

// One 20 ms stereo frame of a three-voice mix, by application and complexity.
void EncodeComplexity(benchmark::State& state) {
  EncoderSettings settings;
  settings.application = static_cast<EncoderSettings::Application>(state.range(0));
  settings.complexity = static_cast<int>(state.range(1));
  auto encoder = VoiceEncoder::create(settings).value();
  constexpr std::size_t kFrames = 100;
  std::vector<std::vector<float>> voices;
  for (int v = 0; v < kVoices; ++v) voices.push_back(voice(v, kFrames * kTickSamples));
  std::vector<float> mix(2 * kFrames * kTickSamples);
  for (std::size_t i = 0; i < kFrames * kTickSamples; ++i) {
    mix[2 * i] = 0.9f * voices[0][i] + 0.5f * voices[1][i] + 0.2f * voices[2][i];
    mix[2 * i + 1] = 0.3f * voices[0][i] + 0.8f * voices[1][i] + 0.9f * voices[2][i];
  }
  std::vector<std::uint8_t> out(kMaxEncodedBytes);
  std::size_t frame = 0;
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::span<const float> pcm(mix.data() + 2 * kTickSamples * (frame % kFrames),
                                     2 * kTickSamples);
    bytes += encoder.encode(pcm, out).value();
    ++frame;
  }
  state.counters["kb/s"] = static_cast<double>(bytes) * 8 / 20 / static_cast<double>(frame);
}
BENCHMARK(EncodeComplexity)
    ->ArgNames({"app", "complexity"})
    ->ArgsProduct({{static_cast<int>(EncoderSettings::Application::RestrictedLowDelay),
                    static_cast<int>(EncoderSettings::Application::Voip),
                    static_cast<int>(EncoderSettings::Application::Audio)},
                   benchmark::CreateDenseRange(0, 10, 1)})
    ->Unit(benchmark::kMicrosecond);

// One viewer packet decoded to mono: a speaker's cost per tick while it speaks.
void DecodeSpeaker(benchmark::State& state) {
  const auto& packets = voice_loop(0);
  VoiceDecoder decoder(VoiceDecoder::Channels::Mono);
  std::vector<float> out(kMaxPacketSamples);
  std::size_t index = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(decoder.decode(packets[index++ % packets.size()], out));
  }
}
BENCHMARK(DecodeSpeaker)->Unit(benchmark::kMicrosecond);

// The libopus work AudioBridge does per participant per tick (see the top of this file).
void AudioBridgeModel(benchmark::State& state) {
  const int size = static_cast<int>(state.range(0));
  EncoderSettings janus;
  janus.application = EncoderSettings::Application::Voip;
  janus.complexity = 4;
  janus.bitrate = 60 * 50 + kSampleRate * 2;  // what OPUS_AUTO picks for 48 kHz stereo, 20 ms
  std::vector<VoiceEncoder> encoders;
  std::vector<VoiceDecoder> decoders;
  for (int i = 0; i < size; ++i) {
    encoders.push_back(VoiceEncoder::create(janus).value());
    decoders.emplace_back(VoiceDecoder::Channels::Mono);
  }
  const auto mix = voice(0, kLoopPackets * kTickSamples);
  std::vector<float> stereo(2 * kTickSamples);
  std::vector<float> decoded(kMaxPacketSamples);
  std::vector<std::uint8_t> out(kMaxEncodedBytes);
  std::size_t tick = 0;
  for (auto _ : state) {
    const std::size_t index = tick % kLoopPackets;
    for (std::size_t i = 0; i < kTickSamples; ++i) {
      stereo[2 * i] = stereo[2 * i + 1] = mix[index * kTickSamples + i];
    }
    for (int i = 0; i < size; ++i) {
      const auto& packet = i < kVoices ? voice_loop(i)[index] : silence_loop()[index];
      benchmark::DoNotOptimize(decoders[static_cast<std::size_t>(i)].decode(packet, decoded));
      benchmark::DoNotOptimize(encoders[static_cast<std::size_t>(i)].encode(stereo, out));
    }
    ++tick;
  }
  state.counters["sessions/core"] =
      benchmark::Counter(size * 0.020, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(AudioBridgeModel)->Arg(50)->Arg(250)->Unit(benchmark::kMicrosecond);

std::size_t heap_in_use() { return mallinfo2().uordblks; }

// Heap bytes per listener and per speaker, counted by malloc (libopus allocates through our
// wrappers with new[]; malloc's own bookkeeping is included).
void MixerMemory(benchmark::State& state) {
  constexpr int kCount = 200;
  for (auto _ : state) {
    // Listeners: one voice, 200 listeners each at its own spot (each its own encoder).
    {
      auto mixer = RoomMixer::create({}, true).value();
      mixer.add_speaker(1, agent(100000));
      mixer.set_speaker_position(1, Vec3{128, 128, 25});
      auto push = [&](std::size_t t) {
        mixer.push(1, SpeakerPacket{static_cast<std::uint16_t>(t),
                                    static_cast<std::uint32_t>(t * kTickSamples),
                                    voice_loop(0)[t % kLoopPackets], TimePoint{}, std::nullopt});
      };
      for (std::size_t t = 0; t < 5; ++t) {
        push(t);
        mixer.mix(TimePoint{});
      }
      const auto before = heap_in_use();
      for (int i = 0; i < kCount; ++i) {
        mixer.add_listener(static_cast<std::uint64_t>(i), agent(static_cast<std::size_t>(i)));
        mixer.set_listener_pose(
            static_cast<std::uint64_t>(i),
            {Vec3{128 + 0.05 * i, 120, 25}, webvox::core::Quaternion{0, 0, 0, 1}});
      }
      for (std::size_t t = 5; t < 30; ++t) {
        push(t);
        mixer.mix(TimePoint{});
      }
      state.counters["bytes/listener"] = static_cast<double>(heap_in_use() - before) / kCount;
      state.counters["encoders"] = static_cast<double>(mixer.encoder_count());
    }
    // Speakers: 200 speaking, no listeners.
    {
      auto mixer = RoomMixer::create({}, true).value();
      const auto before = heap_in_use();
      for (int i = 0; i < kCount; ++i) {
        mixer.add_speaker(static_cast<std::uint64_t>(i), agent(static_cast<std::size_t>(i)));
      }
      for (std::size_t t = 0; t < 30; ++t) {
        for (int i = 0; i < kCount; ++i) {
          mixer.push(
              static_cast<std::uint64_t>(i),
              SpeakerPacket{static_cast<std::uint16_t>(t),
                            static_cast<std::uint32_t>(t * kTickSamples),
                            voice_loop(i % kVoices)[t % kLoopPackets], TimePoint{}, std::nullopt});
        }
        mixer.mix(TimePoint{});
      }
      state.counters["bytes/speaker"] = static_cast<double>(heap_in_use() - before) / kCount;
      // Then silent for 6 s: decoders and buffers given back.
      for (std::size_t t = 30; t < 330; ++t) mixer.mix(TimePoint{});
      state.counters["bytes/idle_speaker"] = static_cast<double>(heap_in_use() - before) / kCount;
    }
  }
  state.counters["opus_encoder_state"] = static_cast<double>(VoiceEncoder::state_bytes(2));
  state.counters["opus_decoder_state"] =
      static_cast<double>(VoiceDecoder::state_bytes(VoiceDecoder::Channels::Mono));
}
BENCHMARK(MixerMemory)->Iterations(1);

// The delay the jitter buffer adds, under network jitter: packets leave every 20 ms and
// arrive after a random delay (exponential, mean = the argument in ms, capped at 100 ms);
// the mixer ticks at its own phase. Reported: p50 and p99 from arrival to the mixing tick.
void MixerDelay(benchmark::State& state) {
  const double mean_jitter_ms = static_cast<double>(state.range(0));
  DelayHistogram delays;
  std::uint64_t lost = 0;
  std::uint64_t concealed = 0;
  for (auto _ : state) {
    auto mixer = RoomMixer::create({}, false).value();
    mixer.add_speaker(1, agent(1));
    std::mt19937 random(3);
    std::exponential_distribution<double> jitter(mean_jitter_ms > 0 ? 1 / mean_jitter_ms : 1e9);
    struct Arrival {
      double at_ms;
      std::size_t packet;
    };
    std::vector<Arrival> arrivals;
    constexpr std::size_t kPackets = 15000;  // 5 minutes
    for (std::size_t p = 0; p < kPackets; ++p) {
      arrivals.push_back({20.0 * static_cast<double>(p) + std::min(100.0, jitter(random)), p});
    }
    std::sort(arrivals.begin(), arrivals.end(),
              [](const Arrival& a, const Arrival& b) { return a.at_ms < b.at_ms; });
    const TimePoint origin{};
    auto at = [&](double ms) {
      return origin + std::chrono::duration_cast<Clock::duration>(
                          std::chrono::duration<double, std::milli>(ms));
    };
    std::size_t next = 0;
    for (std::size_t tick = 0; tick < kPackets + 10; ++tick) {
      const double now_ms = 20.0 * static_cast<double>(tick) + 7.3;  // the mixer's own phase
      while (next < arrivals.size() && arrivals[next].at_ms <= now_ms) {
        const auto p = arrivals[next].packet;
        mixer.push(1, SpeakerPacket{static_cast<std::uint16_t>(p),
                                    static_cast<std::uint32_t>(p * kTickSamples),
                                    voice_loop(0)[p % kLoopPackets], at(arrivals[next].at_ms),
                                    std::nullopt});
        ++next;
      }
      mixer.mix(at(now_ms));
    }
    delays = mixer.delays();
    const auto stats = *mixer.speaker_stats(1);
    lost = stats.jitter.lost + stats.jitter.late + stats.jitter.trimmed;
    concealed = stats.decode.concealed + stats.decode.fec_recovered;
  }
  state.counters["p50_ms"] = static_cast<double>(delays.percentile(0.5).count());
  state.counters["p99_ms"] = static_cast<double>(delays.percentile(0.99).count());
  state.counters["not_played_%"] = 100.0 * static_cast<double>(lost) / 15000;
  state.counters["concealed_%"] = 100.0 * static_cast<double>(concealed) / 15000;
}
BENCHMARK(MixerDelay)
    ->Arg(0)
    ->Arg(2)
    ->Arg(5)
    ->Arg(10)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
