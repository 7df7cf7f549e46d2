// webvox-load: opens N WebRTC sessions against webvoxd in media-mode sfu (or, for comparison,
// against a Janus VideoRoom), has M of them speak 50 probe packets a second, and reports what
// the listeners received: packets per second, loss, latency added between sending and
// receiving on this host, and — given the server's pid — the server's CPU per forwarded
// packet and memory per session. One thread, so run it pinned to a core the server does not
// use. See the README's Performance section.
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

#include "load_layout.hpp"
#include "janus_api.hpp"
#include "janus_session.hpp"
#include "load_session.hpp"
#include "webvox_session.hpp"
#include "process_usage.hpp"
#include "rtc/sdp/fingerprint.hpp"

namespace asio = boost::asio;
using nlohmann::json;
using namespace webvox::load;

namespace {

struct Options {
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
  std::string json_out;
  std::string bind = "127.0.0.1";
};

// A stream packet every 20 ms per speaker; speakers are spread over the 20 one-millisecond
// phases of that period, as independent browsers would be, not sent in one burst.
constexpr auto kPhase = std::chrono::milliseconds(1);
constexpr std::size_t kPhases = 20;
constexpr std::size_t kTickEveryPhases = 10;  // ICE/DTLS timers every 10 ms
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

asio::ip::tcp::endpoint parse_server(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("--server wants HOST:PORT");
  return {asio::ip::make_address(text.substr(0, colon)),
          static_cast<std::uint16_t>(std::stoul(text.substr(colon + 1)))};
}

webvox::rtc::sdp::Fingerprint sdp_fingerprint(const webvox::rtc::DtlsCertificate& certificate) {
  const auto parsed = webvox::rtc::sdp::parse_fingerprint(std::string(webvox::rtc::sdp::kSha256) + " " +
                                                          certificate.fingerprint());
  if (!parsed) throw std::runtime_error("our DTLS certificate's fingerprint does not parse");
  return parsed.value();
}

// Runs the io_context in 1 ms phases for `duration`, sending each speaker's probe in its phase
// when `speaking`.
class Driver {
 public:
  Driver(asio::io_context& io, std::vector<std::unique_ptr<LoadSession>>& sessions)
      : io_(io), timer_(io), sessions_(sessions) {}

  void start() {
    next_ = Clock::now() + kPhase;
    arm();
  }
  void set_speaking(bool speaking) { speaking_ = speaking; }
  void run_for(Clock::duration duration) { io_.run_for(duration); }
  template <typename Done>
  bool run_until(Done done, Clock::duration limit) {
    const auto deadline = Clock::now() + limit;
    while (!done() && Clock::now() < deadline) io_.run_for(std::chrono::milliseconds(20));
    return done();
  }

 private:
  void arm() {
    timer_.expires_at(next_);
    timer_.async_wait([this](const boost::system::error_code& error) {
      if (error) return;
      // Every phase that is due, not one per wake-up: wake-ups come later than asked (by a
      // millisecond or more with many sockets), and sending must not fall behind with them.
      const auto now = Clock::now();
      while (next_ <= now) {
        run_phase(now);
        next_ += kPhase;
      }
      arm();
    });
  }

  void run_phase(Clock::time_point now) {
    const auto phase = count_++ % kPhases;
    if (speaking_) {
      for (std::size_t i = phase; i < sessions_.size(); i += kPhases) sessions_[i]->speak();
    }
    if (count_ % kTickEveryPhases == 0) {
      for (auto& session : sessions_) session->tick(now);
    }
  }

  asio::io_context& io_;
  asio::steady_timer timer_;
  std::vector<std::unique_ptr<LoadSession>>& sessions_;
  Clock::time_point next_;
  std::uint64_t count_ = 0;
  bool speaking_ = false;
};

std::optional<ProcessUsage> server_usage(const Options& options) {
  return options.server_pid > 0 ? read_process_usage(options.server_pid) : std::nullopt;
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
        if (!ok) std::cerr << "webvox-load: Janus room: " << (reply ? reply->dump() : "no answer") << std::endl;
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
  const Layout layout({options.layout == "culled" ? Arrangement::Culled : Arrangement::Crowded, count,
                       std::min(options.speakers, count), options.group_size, options.slots});

  asio::io_context io;
  const auto certificate = webvox::rtc::DtlsCertificate::generate();
  LatencyHistogram latency, read_latency;
  MeasurementWindow window{~0ull, ~0ull};  // nothing counts before the window opens
  MediaContext media{io, certificate, sdp_fingerprint(certificate), options.bind,
                     PacketShape{111, 1, options.payload}, latency, read_latency, window};
  const auto server = parse_server(options.server);
  std::vector<std::unique_ptr<LoadSession>> sessions;
  Driver driver(io, sessions);

  const auto before = server_usage(options);
  const auto connect_started = Clock::now();
  const auto connect_limit = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(options.connect_timeout));
  const auto settled = [&] {
    for (const auto& s : sessions) {
      if (s->stage() != LoadSession::Stage::Ready && s->stage() != LoadSession::Stage::Failed) return false;
    }
    return true;
  };
  std::unique_ptr<JanusApi> janus;
  driver.start();
  if (options.target == "webvoxd") {
    for (std::size_t i = 0; i < count; ++i) {
      sessions.push_back(std::make_unique<WebvoxSession>(media, server, layout, options.slots, i, tokens[i]));
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
      sessions.back()->start();
    }
    driver.run_until([&] { return std::all_of(members.begin(), members.end(), [](auto* m) { return m->published(); }); },
                     connect_limit);
    for (auto* member : members) member->subscribe();
  }
  driver.run_until(settled, connect_limit);
  const double connect_seconds = std::chrono::duration<double>(Clock::now() - connect_started).count();
  std::size_t ready = 0;
  json failures = json::array();
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    if (sessions[i]->stage() == LoadSession::Stage::Ready) {
      ++ready;
    } else if (failures.size() < 5) {
      failures.push_back("session " + std::to_string(i) + " " + std::string(to_string(sessions[i]->stage())) +
                         (sessions[i]->failure().empty() ? "" : ": " + sessions[i]->failure()));
    }
  }
  // Memory with every session connected, before media buffers and slot state grow.
  const auto connected = server_usage(options);

  driver.set_speaking(true);
  driver.run_for(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.warmup_seconds)));
  const auto self_start = read_process_usage(getpid());
  const auto server_start = server_usage(options);
  const auto core_start = read_cpu_time(options.server_cpu);
  window.start_ns = monotonic_ns();
  window.end_ns = window.start_ns + static_cast<std::uint64_t>(options.seconds * 1e9);
  driver.run_for(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.seconds)));
  const auto server_end = server_usage(options);
  const auto core_end = read_cpu_time(options.server_cpu);
  const auto self_end = read_process_usage(getpid());
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
    return json{{"p50", histogram.percentile_micros(0.50)},  {"p90", histogram.percentile_micros(0.90)},
                {"p99", histogram.percentile_micros(0.99)},  {"p999", histogram.percentile_micros(0.999)},
                {"mean", histogram.mean_micros()},           {"max", histogram.max_micros()}};
  };
  const double loss = expected ? 1.0 - static_cast<double>(received) / static_cast<double>(expected) : 1.0;
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
      {"loss_from_gaps", gaps_expected ? 1.0 - static_cast<double>(received) / static_cast<double>(gaps_expected) : 1.0},
      {"received_per_second", static_cast<double>(received) / options.seconds},
      {"streams_heard", streams},
      {"streams_expected", streams_expected},
      {"latency_us", summary(latency)},
      {"read_latency_us", summary(read_latency)},
  };
  if (self_start && self_end) {
    result["client_cpu_percent"] = 100 * (self_end->cpu_seconds - self_start->cpu_seconds) / options.seconds;
  }
  if (before && connected && server_start && server_end) {
    const auto per_session = [&](long resident_kib) {
      return ready ? static_cast<double>(resident_kib - before->resident_kib) / static_cast<double>(ready) : 0.0;
    };
    const double cpu = server_end->cpu_seconds - server_start->cpu_seconds;
    result["server"] = {
        {"cpu_percent", 100 * cpu / options.seconds},
        {"cpu_us_per_forwarded", received ? 1e6 * cpu / static_cast<double>(received) : 0.0},
        {"rss_before_kib", before->resident_kib},
        {"rss_connected_kib", connected->resident_kib},
        {"rss_end_kib", server_end->resident_kib},
        // While every session forwards, at the end of the measured window: what a running
        // server holds per session (the connect-time figure includes handshakes in flight).
        {"kib_per_session", per_session(server_end->resident_kib)},
        {"kib_per_session_at_connect", per_session(connected->resident_kib)},
    };
  }
  if (server_start && server_end && core_start && core_end) {
    const double elapsed = core_end->total_seconds - core_start->total_seconds;
    const double others = (core_end->busy_seconds - core_start->busy_seconds) -
                          (server_end->cpu_seconds - server_start->cpu_seconds);
    if (elapsed > 0) result["other_load_on_server_cpu_percent"] = std::max(0.0, 100 * others / elapsed);
  }
  const auto text = result.dump(2);
  if (options.json_out.empty()) {
    std::cout << text << std::endl;
  } else {
    std::ofstream(options.json_out) << text << std::endl;
  }
  return ready == count ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"webvox-load: WebRTC sessions against webvoxd's forwarding unit"};
  app.add_option("--target", options.target, "webvoxd, or janus (its VideoRoom over the HTTP API)")
      ->check(CLI::IsMember({"webvoxd", "janus"}));
  app.add_option("--server", options.server, "HOST:PORT: webvoxd's (plain HTTP/WebSocket) or Janus's HTTP");
  app.add_option("--tokens", options.tokens_file, "webvoxd: file with one join token per line");
  app.add_option("--janus-room", options.janus_room, "janus: the VideoRoom id to create (default: random)");
  app.add_option("--sessions", options.sessions, "sessions to open (default: one per token)");
  app.add_option("--speakers", options.speakers, "sessions 0…M-1 speak")->required();
  app.add_option("--slots", options.slots, "receive slots each session offers");
  app.add_option("--layout", options.layout, "crowded (everyone hears everyone) or culled (groups out of range)")
      ->check(CLI::IsMember({"crowded", "culled"}));
  app.add_option("--group-size", options.group_size, "members per group when culled");
  app.add_option("--payload", options.payload, "probe payload bytes (Opus-sized)");
  app.add_option("--warmup", options.warmup_seconds, "seconds of speaking before measuring");
  app.add_option("--seconds", options.seconds, "seconds measured");
  app.add_option("--connect-timeout", options.connect_timeout, "seconds for every session to connect");
  app.add_option("--server-pid", options.server_pid, "webvoxd's pid, for its CPU and memory");
  app.add_option("--server-cpu", options.server_cpu, "the CPU the server is pinned to (taskset)");
  app.add_option("--bind", options.bind, "IPv4 address the media sockets use (host candidate)");
  app.add_option("--json", options.json_out, "write the result here instead of stdout");
  CLI11_PARSE(app, argc, argv);
  if (options.janus_room == 0) options.janus_room = 100000 + static_cast<std::uint64_t>(getpid());
  try {
    return run(options);
  } catch (const std::exception& e) {
    std::cerr << "webvox-load: " << e.what() << std::endl;
    return 1;
  }
}
