// How long deciding who hears whom takes as a channel grows: the hub does it for every channel
// with moved members on each 100 ms push, so this bounds how many members and channels one
// core can keep positional. Members stand at random in a 256 m region with the module's
// defaults (linear, ref 10, max 60, r 2).
#include <benchmark/benchmark.h>

#include <random>

#include "core/hearing.hpp"
#include "core/positional_gain.hpp"

using namespace webvox::core;

namespace {

std::vector<HearingMember> crowd(std::size_t size) {
  std::mt19937 random(42);
  std::uniform_real_distribution<double> coordinate(0, 256);
  std::vector<HearingMember> members;
  for (std::size_t i = 0; i < size; ++i) {
    members.push_back({"member" + std::to_string(i), Role::Participant, true,
                       Position{coordinate(random), coordinate(random), 25, 0}});
  }
  return members;
}

void DecideHearing(benchmark::State& state) {
  const auto members = crowd(static_cast<std::size_t>(state.range(0)));
  const ChannelProperties channel;
  for (auto _ : state) benchmark::DoNotOptimize(decide_hearing(channel, members));
  state.counters["pairs/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * state.range(0) * state.range(0),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(DecideHearing)->Arg(8)->Arg(32)->Arg(128)->Arg(512);

void PositionalGain(benchmark::State& state) {
  const ChannelProperties channel;
  double distance = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(positional_gain(channel, distance));
    distance = distance > 70 ? 0 : distance + 0.37;
  }
}
BENCHMARK(PositionalGain);

}  // namespace

BENCHMARK_MAIN();
