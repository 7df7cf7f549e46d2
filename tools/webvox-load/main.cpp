// webvox-load: opens N WebRTC sessions against webvoxd in media-mode sfu (or, for comparison,
// against a Janus VideoRoom), has M of them speak 50 probe packets a second, and reports what
// the listeners received: packets per second, loss, latency added between sending and
// receiving on this host, and — given the server's pid — the server's CPU per forwarded
// packet and memory per session. With --mode viewer: N simulated SL viewers against webvoxd's
// viewer voice or Janus AudioBridge (viewer_run.hpp). One thread, so run it pinned to a core
// the server does not use. See docs/performance.md.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "load_driver.hpp"
#include "load_layout.hpp"
#include "http_exchange.hpp"
#include "janus_api.hpp"
#include "janus_session.hpp"
#include "load_session.hpp"
#include "viewer_run.hpp"
#include "webvox_session.hpp"
#include "run_report.hpp"

namespace asio = boost::asio;
using nlohmann::json;
using namespace webvox::load;

namespace {

struct Options {
  std::string mode = "sfu";
  std::string target = "webvoxd";
  std::string server = "127.0.0.1:8443";
  std::string tokens_file;
  std::size_t sessions = 0;
  std::uint64_t janus_room = 0;
  std::size_t speakers = 0;
  std::size_t slots = 8;
  std::string layout = "crowded";
  std::size_t group_size = 8;
  std::size_t payload = 80;
  double warmup_seconds = 3;
  double seconds = 10;
  double connect_timeout = 60;
  int server_pid = 0;
  int server_cpu = -1;  // the core the server is pinned to, to report what else ran on it
  int client_cpu = -1;  // the core this tool is pinned to, likewise
  std::string json_out;
  std::string bind = "127.0.0.1";
  ViewerRunOptions viewer;
};

constexpr auto kGrace = std::chrono::milliseconds(300);  // in-flight probes after the window

std::vector<std::string> read_tokens(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot read " + path);
  std::vector<std::string> tokens;
  for (std::string line; std::getline(file, line);) {
    if (!line.empty()) tokens.push_back(line);
  }
  return tokens;
}

// One Janus session for the whole run (Janus sessions are a client's, not a participant's),
// and an audio-only VideoRoom with room for every speaker.
void open_janus_room(JanusApi& janus, Driver& driver, const Options& options) {
  bool created = false, failed = false;
  janus.create_session([&](bool ok) {
    if (!ok) failed = true;
    if (!ok) return;
    janus.attach([&](std::optional<std::uint64_t> handle) {
      if (!handle) {
        failed = true;
        return;
      }
      const json create = {{"request", "create"},
                           {"room", options.janus_room},
                           {"publishers", std::max<std::size_t>(options.speakers, 1)},
                           {"audiocodec", "opus"},
                           {"audiolevel_ext", true},
                           {"notify_joining", false},
                           {"is_private", true}};
      janus.message(*handle, create, std::nullopt, [&](const std::optional<json>& reply) {
        const bool ok = reply && reply->contains("plugindata") &&
                        (*reply)["plugindata"]["data"].value("videoroom", "") == "created";
        if (!ok)
          std::cerr << "webvox-load: Janus room: " << (reply ? reply->dump() : "no answer")
                    << std::endl;
        (ok ? created : failed) = true;
      });
    });
  });
  driver.run_until([&] { return created || failed; }, std::chrono::seconds(10));
  if (!created) throw std::runtime_error("could not create the Janus session and VideoRoom");
}

int run(const Options& options) {
  std::vector<std::string> tokens;
  if (options.target == "webvoxd") {
    tokens = read_tokens(options.tokens_file);
    if (tokens.size() < options.sessions) throw std::runtime_error("fewer tokens than --sessions");
  }
  const auto count = options.sessions ? options.sessions : tokens.size();
  if (count == 0) throw std::runtime_error("no sessions: give --sessions (or --tokens)");
  const Layout layout({options.layout == "culled" ? Arrangement::Culled : Arrangement::Crowded,
                       count, std::min(options.speakers, count), options.group_size,
                       options.slots});

  asio::io_context io;
  const auto certificate = webvox::rtc::DtlsCertificate::generate();
  LatencyHistogram latency, read_latency;
  MeasurementWindow window{~0ull, ~0ull};  // nothing counts before the window opens
  MediaContext media{io,
                     certificate,
                     sdp_fingerprint(certificate),
                     options.bind,
                     PacketShape{111, 1, options.payload},
                     latency,
                     read_latency,
                     window};
  const auto server = parse_server(options.server);
  std::vector<std::unique_ptr<ProbeSession>> sessions;
  Driver driver(io);

  RunUsage usage(options.server_pid, options.server_cpu, options.client_cpu);
  usage.before_sessions();
  const auto connect_started = Clock::now();
  const auto connect_limit = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(options.connect_timeout));
  const auto settled = [&] {
    for (const auto& s : sessions) {
      if (s->stage() != LoadSession::Stage::Ready && s->stage() != LoadSession::Stage::Failed)
        return false;
    }
    return true;
  };
  std::unique_ptr<JanusApi> janus;
  driver.start();
  if (options.target == "webvoxd") {
    for (std::size_t i = 0; i < count; ++i) {
      sessions.push_back(
          std::make_unique<WebvoxSession>(media, server, layout, options.slots, i, tokens[i]));
      driver.add(sessions.back().get());
      sessions.back()->start();
    }
  } else {
    janus = std::make_unique<JanusApi>(io, server);
    open_janus_room(*janus, driver, options);
    std::vector<JanusSession*> members;
    for (std::size_t i = 0; i < count; ++i) {
      auto session = std::make_unique<JanusSession>(media, *janus, layout, options.janus_room, i);
      members.push_back(session.get());
      sessions.push_back(std::move(session));
      driver.add(sessions.back().get());
      sessions.back()->start();
    }
    driver.run_until(
        [&] {
          return std::all_of(members.begin(), members.end(),
                             [](auto* m) { return m->published(); });
        },
        connect_limit);
    for (auto* member : members) member->subscribe();
  }
  driver.run_until(settled, connect_limit);
  const double connect_seconds =
      std::chrono::duration<double>(Clock::now() - connect_started).count();
  json failures;
  const auto ready = count_ready(sessions, failures);
  // Memory with every session connected, before media buffers and slot state grow.
  usage.connected();

  driver.set_speaking(true);
  driver.run_for(std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(options.warmup_seconds)));
  usage.window_started();
  window.start_ns = monotonic_ns();
  window.end_ns = window.start_ns + static_cast<std::uint64_t>(options.seconds * 1e9);
  driver.run_for(
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.seconds)));
  usage.window_ended();
  driver.set_speaking(false);
  driver.run_for(kGrace);
  for (auto& session : sessions) session->stop();
  if (janus) janus->stop();
  io.poll();

  std::uint64_t received = 0, expected = 0, sent = 0, gaps_expected = 0;
  std::size_t streams = 0, streams_expected = 0;
  const auto sent_in_window = [&](std::uint32_t speaker) {
    return speaker < sessions.size() ? sessions[speaker]->probes_sent_in_window() : 0;
  };
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    received += sessions[i]->loss().received();
    gaps_expected += sessions[i]->loss().expected();
    expected += sessions[i]->loss().sent_to_us(sent_in_window);
    streams += sessions[i]->loss().streams();
    sent += sessions[i]->probes_sent();
    streams_expected += layout.expected_streams(i);
  }
  const auto summary = [](const LatencyHistogram& histogram) {
    return json{
        {"p50", histogram.percentile_micros(0.50)}, {"p90", histogram.percentile_micros(0.90)},
        {"p99", histogram.percentile_micros(0.99)}, {"p999", histogram.percentile_micros(0.999)},
        {"mean", histogram.mean_micros()},          {"max", histogram.max_micros()}};
  };
  const double loss =
      expected ? 1.0 - static_cast<double>(received) / static_cast<double>(expected) : 1.0;
  json result = {
      {"target", options.target},
      {"sessions", count},
      {"ready", ready},
      {"connect_seconds", connect_seconds},
      {"failures", failures},
      {"speakers", std::min(options.speakers, count)},
      {"slots", options.slots},
      {"layout", options.layout},
      {"groups", layout.groups()},
      {"seconds", options.seconds},
      {"payload_bytes", options.payload},
      {"probes_sent_total", sent},
      {"received", received},
      {"expected", expected},
      {"loss", loss},
      {"loss_from_gaps",
       gaps_expected ? 1.0 - static_cast<double>(received) / static_cast<double>(gaps_expected)
                     : 1.0},
      {"received_per_second", static_cast<double>(received) / options.seconds},
      {"streams_heard", streams},
      {"streams_expected", streams_expected},
      {"latency_us", summary(latency)},
      {"read_latency_us", summary(read_latency)},
  };
  usage.add_to(result, ready, options.seconds);
  if (const auto cpu = usage.server_cpu_seconds(); cpu && result.contains("server")) {
    result["server"]["cpu_us_per_forwarded"] =
        received ? 1e6 * *cpu / static_cast<double>(received) : 0.0;
  }
  write_report(result, options.json_out);
  return ready == count ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"webvox-load: WebRTC sessions against webvoxd's forwarding unit or viewer voice"};
  app.add_option(
         "--mode", options.mode,
         "sfu: browser sessions, probe packets forwarded; viewer: SL viewers, real Opus mixed")
      ->check(CLI::IsMember({"sfu", "viewer"}));
  app.add_option(
         "--target", options.target,
         "webvoxd, or janus (sfu: its VideoRoom; viewer: AudioBridge, as os-webrtc-janus uses it)")
      ->check(CLI::IsMember({"webvoxd", "janus"}));
  app.add_option("--server", options.server,
                 "HOST:PORT: webvoxd's (plain HTTP/WebSocket) or Janus's HTTP");
  app.add_option("--tokens", options.tokens_file, "webvoxd: file with one join token per line");
  app.add_option("--janus-room", options.janus_room,
                 "janus: the VideoRoom id to create (default: random)");
  app.add_option("--sessions", options.sessions, "sessions to open (default: one per token)");
  app.add_option("--speakers", options.speakers, "sessions 0…M-1 speak (viewer mode: default 3)");
  app.add_option("--slots", options.slots, "receive slots each session offers");
  app.add_option(
         "--layout", options.layout,
         "crowded (everyone hears everyone) or culled (groups out of range; viewer mode: spread)")
      ->check(CLI::IsMember({"crowded", "culled", "spread"}));
  app.add_option("--group-size", options.group_size, "members per group when culled");
  app.add_option("--payload", options.payload, "probe payload bytes (Opus-sized)");
  app.add_option("--warmup", options.warmup_seconds, "seconds of speaking before measuring");
  app.add_option("--seconds", options.seconds, "seconds measured");
  app.add_option("--connect-timeout", options.connect_timeout,
                 "seconds for every session to connect");
  app.add_option("--server-pid", options.server_pid, "webvoxd's pid, for its CPU and memory");
  app.add_option("--server-cpu", options.server_cpu, "the CPU the server is pinned to (taskset)");
  app.add_option("--client-cpu", options.client_cpu, "the CPU this tool is pinned to (taskset)");
  app.add_option("--bind", options.bind, "IPv4 address the media sockets use (host candidate)");
  app.add_option("--json", options.json_out, "write the result here instead of stdout");
  auto& viewer = options.viewer;
  app.add_option("--door", viewer.door,
                 "viewer mode, webvoxd: jsonrpc (/viewer-voice/<secret>) or janus (/janus)")
      ->check(CLI::IsMember({"jsonrpc", "janus"}));
  app.add_option("--voice-rpc-path", viewer.voice_rpc_path,
                 "viewer mode: the JSON-RPC door's path, secret included");
  app.add_option("--janus-path", viewer.janus_path, "viewer mode: the Janus API's base path");
  app.add_option("--janus-api-secret", viewer.janus_api_secret,
                 "viewer mode: Janus's api_secret (apisecret)");
  app.add_option("--region", viewer.region_id,
                 "viewer mode: the region's UUID (its estate voice room)");
  app.add_option("--speakers-per-group", viewer.speakers_per_group,
                 "viewer mode, spread: speakers in each group");
  app.add_option("--bitrate", viewer.bitrate, "viewer mode: the speakers' Opus bit rate");
  app.add_option("--connect-concurrency", viewer.connect_concurrency,
                 "viewer mode: viewers provisioning at once");
  app.add_option("--late-ms", viewer.late_ms,
                 "viewer mode: a mixed frame this far behind its due time is late");
  app.add_option(
      "--delay-pairs", viewer.delay_pairs,
      "viewer mode, webvoxd: pairs apart from the layout that time the mixer from outside");
  app.add_option("--stats-path", viewer.stats_path,
                 "viewer mode, webvoxd: a JSON path with mix_delay_p50_ms/p99_ms");
  app.add_option("--stats-credentials", viewer.stats_credentials,
                 "viewer mode: USER:PASSWORD for --stats-path");
  CLI11_PARSE(app, argc, argv);
  if (options.mode == "viewer") {
    viewer.target = options.target;
    viewer.server = options.server;
    viewer.sessions = options.sessions;
    if (app.count("--speakers")) viewer.speakers = options.speakers;
    viewer.layout = options.layout == "culled" ? "spread" : options.layout;
    if (app.count("--group-size")) viewer.group_size = options.group_size;
    viewer.warmup_seconds = options.warmup_seconds;
    viewer.seconds = options.seconds;
    viewer.connect_timeout = options.connect_timeout;
    viewer.server_pid = options.server_pid;
    viewer.server_cpu = options.server_cpu;
    viewer.client_cpu = options.client_cpu;
    viewer.bind = options.bind;
    viewer.json_out = options.json_out;
    try {
      return run_viewers(viewer);
    } catch (const std::exception& e) {
      std::cerr << "webvox-load: " << e.what() << std::endl;
      return 1;
    }
  }
  if (!app.count("--speakers")) {
    std::cerr << "webvox-load: --speakers is required" << std::endl;
    return 1;
  }
  if (options.janus_room == 0) options.janus_room = 100000 + static_cast<std::uint64_t>(getpid());
  try {
    return run(options);
  } catch (const std::exception& e) {
    std::cerr << "webvox-load: " << e.what() << std::endl;
    return 1;
  }
}
