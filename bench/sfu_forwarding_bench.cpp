// Forwarded packets per second through one channel's SfuRoom on one core: the server's
// per-packet work without the UDP system calls — parse, audio level, slot rewrite, and (in the
// "srtp" runs) the SRTP encryption each listener's copy needs. Speakers send 20 ms Opus packets
// with RFC 6464 levels; listeners have 8 slots.
//   culled: members spread over a 256 m region (module defaults: silent from 35 m), so each
//           listener gets the few speakers near it;
//   crowded: everyone within 10 m, so each listener's 8 slots are full.
#include <benchmark/benchmark.h>

#include <optional>
#include <random>

#include "rtc/srtp/srtp_session.hpp"
#include "rtp_test_packets.hpp"
#include "sfu/sfu_room.hpp"

using namespace webvox;
using Clock = sfu::SfuRoom::Clock;

namespace {

// Voice at -20 dBov with a typical 32 kbit/s Opus frame (80 bytes).
std::vector<std::uint8_t> voice_packet(std::uint32_t ssrc, std::uint16_t sequence) {
  return test::voice_packet({111, false, sequence, sequence * 960u, ssrc}, 20, 80);
}

struct CountingSink : sfu::PacketSink {
  std::uint64_t packets = 0;
  rtc::SrtpSession* srtp = nullptr;
  void send_rtp(std::span<std::uint8_t> buffer, std::size_t length) override {
    if (srtp) benchmark::DoNotOptimize(srtp->protect_rtp(buffer, length));
    ++packets;
  }
};

void Forwarding(benchmark::State& state, bool crowded,
                std::optional<rtc::SrtpProfile> srtp_profile) {
  const bool with_srtp = srtp_profile.has_value();
  const auto members = static_cast<std::size_t>(state.range(0));
  core::ChannelProperties channel;
  sfu::SfuRoomSettings settings;
  sfu::SfuRoom room(channel, settings);
  std::vector<CountingSink> sinks(members);
  std::vector<std::unique_ptr<rtc::SrtpSession>> srtp;
  const std::size_t salt_size = srtp_profile == rtc::SrtpProfile::AeadAes128Gcm ? 12 : 14;
  const rtc::SrtpMasterKey key{std::vector<std::uint8_t>(16, 1),
                               std::vector<std::uint8_t>(salt_size, 2)};
  std::mt19937 random(7);
  std::uniform_real_distribution<double> spread(0, crowded ? 10 : 256);
  for (std::size_t i = 0; i < members; ++i) {
    if (with_srtp) {
      srtp.push_back(std::make_unique<rtc::SrtpSession>(*srtp_profile, key,
                                                        rtc::SrtpSession::Direction::Outbound));
      sinks[i].srtp = srtp.back().get();
    }
    std::vector<std::uint32_t> ssrcs;
    for (std::uint32_t s = 0; s < 8; ++s) ssrcs.push_back(static_cast<std::uint32_t>(i * 16 + s));
    room.add("m" + std::to_string(i), sinks[i], ssrcs);
    room.place("m" + std::to_string(i), {spread(random), spread(random), 25, 0});
  }
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < members; ++i) ids.push_back("m" + std::to_string(i));
  auto now = Clock::now();
  std::uint16_t sequence = 0;
  // Warm up: levels known, slots assigned.
  for (int i = 0; i < 10; ++i, ++sequence) {
    for (std::size_t s = 0; s < members; ++s)
      room.on_rtp(ids[s], voice_packet(1000 + s, sequence), now);
    now += std::chrono::milliseconds(20);
    room.decide(now);
  }
  std::vector<std::vector<std::uint8_t>> packets;
  for (std::size_t s = 0; s < members; ++s) packets.push_back(voice_packet(1000 + s, sequence));
  const auto before = room.counters().forwarded;
  std::uint64_t rounds = 0;
  for (auto _ : state) {
    // One 20 ms round: every member speaks once; the room re-decides every 5 rounds (100 ms).
    for (std::size_t s = 0; s < members; ++s) {
      auto& p = packets[s];
      p[2] = static_cast<std::uint8_t>(sequence >> 8);
      p[3] = static_cast<std::uint8_t>(sequence);
      room.on_rtp(ids[s], p, now);
    }
    ++sequence;
    now += std::chrono::milliseconds(20);
    if (++rounds % 5 == 0) room.decide(now);
  }
  const double forwarded = static_cast<double>(room.counters().forwarded - before);
  state.counters["fwd_pkt/s"] = benchmark::Counter(forwarded, benchmark::Counter::kIsRate);
  state.counters["fwd/listener"] = forwarded / static_cast<double>(rounds * members);
}

}  // namespace

constexpr std::optional<rtc::SrtpProfile> kPlain;
constexpr auto kGcm = rtc::SrtpProfile::AeadAes128Gcm;
constexpr auto kCmSha1 = rtc::SrtpProfile::Aes128CmSha1_80;
BENCHMARK_CAPTURE(Forwarding, culled, false, kPlain)->Arg(50)->Arg(200)->UseRealTime();
BENCHMARK_CAPTURE(Forwarding, crowded, true, kPlain)->Arg(50)->Arg(200)->UseRealTime();
BENCHMARK_CAPTURE(Forwarding, culled_srtp_gcm, false, kGcm)->Arg(50)->Arg(200)->UseRealTime();
BENCHMARK_CAPTURE(Forwarding, crowded_srtp_gcm, true, kGcm)->Arg(50)->Arg(200)->UseRealTime();
BENCHMARK_CAPTURE(Forwarding, crowded_srtp_cm_sha1, true, kCmSha1)
    ->Arg(50)
    ->Arg(200)
    ->UseRealTime();

BENCHMARK_MAIN();
