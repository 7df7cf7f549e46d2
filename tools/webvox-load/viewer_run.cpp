#include "viewer_run.hpp"

#include <algorithm>
#include <cmath>
#include <boost/beast/core/detail/base64.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <span>
#include <vector>

#include "addon_room.hpp"
#include "http_exchange.hpp"
#include "janus_addon_client.hpp"
#include "load_driver.hpp"
#include "load_layout.hpp"
#include "run_report.hpp"
#include "rtc/sctp/sctp_association.hpp"
#include "viewer_load_session.hpp"
#include "voice_rpc_client.hpp"

namespace webvox::load {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

// The region's place on the grid: (1000, 1000), so global metres are 256000 + local.
constexpr double kRegionOrigin = 256000;
constexpr auto kGrace = std::chrono::milliseconds(500);  // frames due in the window still arriving
constexpr std::size_t kSpeakerToneBaseHz = 300;
constexpr std::size_t kSpeakerToneStepHz = 20;
// Delay probes: far beyond any layout (spread groups reach 1700 m), 200 m from each other.
constexpr double kProbeOrigin = 3000;
constexpr double kProbeSpacing = 200;
constexpr SpeechPattern kProbeSpeech{10, 20};
// An onset further than this after the spurt's first packet is not that spurt's.
constexpr std::uint64_t kProbeMatchNs = 300'000'000;

std::string agent_id(std::size_t index) {
  char text[48];
  std::snprintf(text, sizeof text, "10ad0000-0000-4000-8000-%012zx", index + 1);
  return text;
}

// The first member named `key` anywhere in `value` for which `wanted` holds.
template <typename Wanted>
const json* find_member(const json& value, const std::string& key, Wanted wanted) {
  if (value.is_object()) {
    if (const auto it = value.find(key); it != value.end() && wanted(*it)) return &*it;
  }
  if (value.is_object() || value.is_array()) {
    for (const auto& child : value) {
      if (const auto* found = find_member(child, key, wanted)) return found;
    }
  }
  return nullptr;
}

std::optional<double> find_number(const json& value, const std::string& key) {
  const auto* found = find_member(value, key, [](const json& v) { return v.is_number(); });
  if (!found) return std::nullopt;
  return found->get<double>();
}

std::optional<json> fetch_stats(asio::io_context& io, Driver& driver,
                                const asio::ip::tcp::endpoint& server,
                                const ViewerRunOptions& options) {
  auto request = http_get(options.stats_path);
  request.timeout = std::chrono::seconds(5);
  if (!options.stats_credentials.empty()) {
    std::string encoded(
        boost::beast::detail::base64::encoded_size(options.stats_credentials.size()), '\0');
    encoded.resize(boost::beast::detail::base64::encode(
        encoded.data(), options.stats_credentials.data(), options.stats_credentials.size()));
    request.headers.emplace_back("Authorization", "Basic " + encoded);
  }
  bool done = false;
  std::optional<json> stats;
  http_exchange(io, server, std::move(request), [&](std::optional<HttpReply> reply) {
    done = true;
    if (!reply || reply->status != 200) {
      std::cerr << "webvox-load: " << options.stats_path << ": "
                << (reply ? "HTTP " + std::to_string(reply->status) : std::string("no answer"))
                << std::endl;
      return;
    }
    auto parsed = json::parse(reply->body, nullptr, false);
    if (!parsed.is_discarded()) stats = std::move(parsed);
  });
  driver.run_until([&] { return done; }, std::chrono::seconds(6));
  return stats;
}

json percentiles(const LatencyHistogram& histogram) {
  return {{"p50", histogram.percentile_micros(0.50) / 1000},
          {"p99", histogram.percentile_micros(0.99) / 1000},
          {"max", histogram.max_micros() / 1000}};
}

}  // namespace

int run_viewers(const ViewerRunOptions& options) {
  const auto count = options.sessions;
  if (count == 0) throw std::runtime_error("no sessions: give --sessions");
  const bool spread = options.layout == "spread";
  const auto groups =
      spread
          ? std::max<std::size_t>(
                (count + options.group_size - 1) / std::max<std::size_t>(options.group_size, 1), 1)
          : 1;
  const auto speakers =
      std::min(count, spread && options.speakers_per_group > 0 ? groups * options.speakers_per_group
                                                               : options.speakers);
  // Everyone hears every speaker in range (no slot limit: the server mixes them all).
  const Layout layout({spread ? Arrangement::Culled : Arrangement::Crowded, count, speakers,
                       options.group_size, count});
  const bool janus_door = options.target == "janus" || options.door == "janus";
  const auto room_number = local_room_number(options.region_id);
  if (janus_door && !room_number)
    throw std::runtime_error("the addon cannot name this region's room");

  asio::io_context io;
  const auto certificate = rtc::DtlsCertificate::generate();
  LatencyHistogram unused_latency, unused_read_latency;
  MeasurementWindow window{~0ull, ~0ull};
  MediaContext media{io,
                     certificate,
                     sdp_fingerprint(certificate),
                     options.bind,
                     PacketShape{},
                     unused_latency,
                     unused_read_latency,
                     window};
  const auto server = parse_server(options.server);

  std::vector<std::unique_ptr<TonePackets>> tones;
  for (std::size_t i = 0; i < speakers; ++i) {
    ToneSettings tone;
    tone.frequency = static_cast<double>(kSpeakerToneBaseHz + kSpeakerToneStepHz * (i % 60));
    tone.bitrate = options.bitrate;
    tones.push_back(std::make_unique<TonePackets>(tone));
  }

  Driver driver(io);
  // usrsctp's timers are process-wide: advanced once per driver tick for every association.
  auto last_sctp = std::chrono::steady_clock::now();
  driver.on_tick([&](std::chrono::steady_clock::time_point now) {
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - last_sctp);
    if (elapsed.count() > 0) {
      rtc::SctpAssociation::advance_timers(elapsed);
      last_sctp += elapsed;
    }
  });
  // Viewer i: agent i, provisioned through the chosen door.
  const auto signalling_for = [&](std::size_t i) -> std::unique_ptr<ViewerSignalling> {
    const ViewerIdentity identity{agent_id(i), options.region_id};
    if (!janus_door)
      return std::make_unique<VoiceRpcClient>(io, server, options.voice_rpc_path, identity);
    const JanusApiSettings api{options.janus_path, "janus.plugin.audiobridge",
                               options.janus_api_secret, 0};
    return std::make_unique<JanusAddonClient>(
        io, server, api, JanusAddonRoom{*room_number, local_room_description(options.region_id)},
        identity);
  };
  // The N viewers of the layout first, then the delay probes (a speaker, then its listener a
  // metre away, per pair).
  std::vector<std::unique_ptr<ViewerLoadSession>> sessions;
  for (std::size_t i = 0; i < count; ++i) {
    const auto spot = layout.spot(i);
    const ViewerPose pose{kRegionOrigin + spot.x, kRegionOrigin + spot.y, spot.z, 0};
    sessions.push_back(std::make_unique<ViewerLoadSession>(
        media, signalling_for(i), pose, layout.speaks(i) ? tones[i].get() : nullptr, i));
  }
  const TonePackets probe_tone({1000, 0.25, options.bitrate, 50});
  for (std::size_t k = 0; k < options.delay_pairs; ++k) {
    for (std::size_t role = 0; role < 2; ++role) {
      const auto i = sessions.size();
      const ViewerPose pose{kRegionOrigin + kProbeOrigin + kProbeSpacing * static_cast<double>(k) +
                                static_cast<double>(role),
                            kRegionOrigin + kProbeOrigin, 25, 0};
      sessions.push_back(std::make_unique<ViewerLoadSession>(
          media, signalling_for(i), pose, role == 0 ? &probe_tone : nullptr, i, kProbeSpeech));
    }
  }
  for (auto& session : sessions) driver.add(session.get());
  const std::span<const std::unique_ptr<ViewerLoadSession>> viewers(sessions.data(), count);
  const std::span<const std::unique_ptr<ViewerLoadSession>> probes(sessions.data() + count,
                                                                   sessions.size() - count);

  RunUsage usage(options.server_pid, options.server_cpu, options.client_cpu);
  usage.before_sessions();
  const auto connect_started = std::chrono::steady_clock::now();
  driver.start();
  // Viewers arrive a few at a time, as at a simulator: at most connect_concurrency of them
  // provisioning at once (webvoxd, like any server, bounds the connections one source holds).
  std::size_t started = 0;
  const auto settled = [&] {
    const auto provisioning =
        std::count_if(sessions.begin(), sessions.begin() + static_cast<std::ptrdiff_t>(started),
                      [](const auto& s) { return s->stage() == LoadSession::Stage::Negotiating; });
    for (auto waiting = static_cast<std::size_t>(provisioning);
         started < sessions.size() &&
         waiting < std::max<std::size_t>(options.connect_concurrency, 1);
         ++waiting) {
      sessions[started++]->start();
    }
    return started == sessions.size() &&
           std::all_of(sessions.begin(), sessions.end(), [](const auto& s) {
             return s->stage() == LoadSession::Stage::Ready ||
                    s->stage() == LoadSession::Stage::Failed;
           });
  };
  driver.run_until(settled, std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                std::chrono::duration<double>(options.connect_timeout)));
  const double connect_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - connect_started).count();
  json failures, probe_failures;
  const auto ready = count_ready(viewers, failures);
  const auto probes_ready = count_ready(probes, probe_failures);
  usage.connected();

  const auto seconds = [](double value) {
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(value));
  };
  driver.set_speaking(true);
  driver.run_for(seconds(options.warmup_seconds));
  usage.window_started();
  window.start_ns = monotonic_ns();
  window.end_ns = window.start_ns + static_cast<std::uint64_t>(options.seconds * 1e9);
  driver.run_for(seconds(options.seconds));
  usage.window_ended();
  driver.run_for(kGrace);  // still speaking: the server's timing stays as it was in the window
  driver.set_speaking(false);
  std::optional<json> stats;
  if (!options.stats_path.empty()) stats = fetch_stats(io, driver, server, options);
  for (auto& session : sessions) session->stop();
  io.poll();

  // Listeners the layout says hear someone are held to one audio frame per 20 ms; the others
  // (in spread groups, a lone speaker) get what a listener hearing nobody gets.
  const auto late_after = static_cast<std::uint64_t>(options.late_ms * 1e6);
  MixFrameCounts hearing, silent;
  LatencyHistogram behind;
  std::vector<LatencyHistogram> behind_by_second(
      static_cast<std::size_t>(std::ceil(options.seconds)));
  std::vector<double> clock_rates;
  std::int64_t largest_shift = 0;
  std::size_t hearing_listeners = 0, silent_listeners = 0, with_sl_data = 0, with_roster = 0;
  std::uint64_t frames_sent = 0, sl_data_received = 0;
  for (std::size_t i = 0; i < viewers.size(); ++i) {
    const auto& session = *viewers[i];
    frames_sent += session.frames_sent();
    sl_data_received += session.sl_data_received();
    if (session.data_channel()) ++with_sl_data;
    if (session.roster_joins() > 0) ++with_roster;
    if (layout.received_speakers(i).empty()) {
      ++silent_listeners;
      silent += session.reception().count(window, late_after);
    } else {
      ++hearing_listeners;
      hearing += session.reception().count(window, late_after);
      session.reception().lateness(window, behind, &behind_by_second);
      if (const auto rate = session.reception().clock_rate(window)) clock_rates.push_back(*rate);
      if (const auto shift = session.reception().shift_before(window))
        largest_shift = std::max(largest_shift, *shift);
    }
  }
  const auto fraction = [](std::uint64_t part, std::uint64_t whole) {
    return whole ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
  };
  // The mixes' clock against this host's: the slowest, the median and the fastest listener.
  json rates_json = json::object();
  if (!clock_rates.empty()) {
    std::sort(clock_rates.begin(), clock_rates.end());
    rates_json = {{"min", clock_rates.front()},
                  {"median", clock_rates[clock_rates.size() / 2]},
                  {"max", clock_rates.back()}};
  }
  json by_second_json = json::array();
  for (const auto& histogram : behind_by_second) by_second_json.push_back(percentiles(histogram));
  json result = {
      {"mode", "viewer"},
      {"target", options.target},
      {"door", janus_door ? "janus" : "jsonrpc"},
      {"layout", options.layout},
      {"sessions", count},
      {"ready", ready},
      {"connect_seconds", connect_seconds},
      {"failures", failures},
      {"speakers", speakers},
      {"groups", groups},
      {"group_size", spread ? options.group_size : count},
      {"seconds", options.seconds},
      {"late_after_ms", options.late_ms},
      {"tone_bitrate", options.bitrate},
      {"speaker_frames_sent", frames_sent},
      {"hearing_listeners", hearing_listeners},
      {"frames",
       {{"expected", hearing.expected},
        {"received", hearing.received},
        {"late", hearing.late},
        {"lost", hearing.lost},
        {"dtx", hearing.dtx},
        {"late_fraction", fraction(hearing.late, hearing.expected)},
        {"lost_fraction", fraction(hearing.lost, hearing.expected)},
        {"late_or_lost_fraction", fraction(hearing.late + hearing.lost, hearing.expected)}}},
      {"behind_schedule_ms", percentiles(behind)},
      {"behind_schedule_by_second_ms", by_second_json},
      {"mix_clock_rate", rates_json},
      {"largest_shift_before_window_ms", static_cast<double>(largest_shift) / 1e6},
      {"silent_listeners", silent_listeners},
      {"silent_listener_packets", silent.packets},
      {"silent_listener_audio_frames", silent.received},
      {"sl_data",
       {{"sessions_with_channel", with_sl_data},
        {"sessions_with_roster_join", with_roster},
        {"messages_received", sl_data_received}}},
  };
  usage.add_to(result, ready + probes_ready, options.seconds);
  if (!probes.empty()) {
    // Each onset the probe's listener heard in the window, against the latest spurt start of
    // its speaker before it.
    LatencyHistogram delay;
    std::uint64_t unmatched = 0;
    for (std::size_t k = 0; k + 1 < probes.size(); k += 2) {
      const auto& starts = probes[k]->spurt_starts();
      for (const auto onset : probes[k + 1]->reception().onsets()) {
        if (!window.contains(onset)) continue;
        const auto after = std::upper_bound(starts.begin(), starts.end(), onset);
        if (after == starts.begin() || onset - *std::prev(after) > kProbeMatchNs) {
          ++unmatched;
          continue;
        }
        delay.record(onset - *std::prev(after));
      }
    }
    result["delay_probes"] = {
        {"pairs", probes.size() / 2},    {"ready", probes_ready},
        {"failures", probe_failures},    {"samples", delay.count()},
        {"unmatched_onsets", unmatched}, {"spurt_to_mix_ms", percentiles(delay)}};
  }
  if (stats) {
    json mixer = {{"source", options.stats_path}};
    if (const auto p50 = find_number(*stats, "mix_delay_p50_ms")) mixer["delay_p50_ms"] = *p50;
    if (const auto p99 = find_number(*stats, "mix_delay_p99_ms")) mixer["delay_p99_ms"] = *p99;
    // What the speakers' jitter buffers did (webvoxd): why the delay is what it is.
    if (const auto* packets =
            find_member(*stats, "speaker_packets", [](const json& v) { return v.is_object(); })) {
      mixer["speaker_packets"] = *packets;
    }
    result["server_mixer"] = mixer;
  }
  write_report(result, options.json_out);
  return ready == count ? 0 : 2;
}

}  // namespace webvox::load
