// What every load run reports besides its own measurements: the server's CPU and memory
// around the measured window (from /proc, given its pid), the load generator's own CPU (to
// show it was not the bottleneck), and what else ran on the server's core; and where the
// report goes.
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "load_session.hpp"
#include "process_usage.hpp"

namespace webvox::load {

class RunUsage {
 public:
  // `server_pid` 0: no server readings; `server_cpu`, `client_cpu` -1: the core is not known.
  RunUsage(pid_t server_pid, int server_cpu, int client_cpu = -1)
      : server_pid_(server_pid), server_cpu_(server_cpu), client_cpu_(client_cpu) {}

  void before_sessions();  // the server's memory with nobody connected
  void connected();        // every session connected (or failed)
  void window_started();
  void window_ended();

  // The server's CPU seconds inside the window.
  std::optional<double> server_cpu_seconds() const;
  // client_cpu_percent; server: cpu_percent, rss_*_kib, kib_per_session(_at_connect) (memory
  // growth over the `ready` sessions); other_load_on_server_cpu_percent and
  // other_load_on_client_cpu_percent (what else ran on the two cores: on a shared machine a
  // run with much of it measured the neighbours too).
  void add_to(nlohmann::json& result, std::size_t ready, double window_seconds) const;

 private:
  std::optional<ProcessUsage> server() const;

  pid_t server_pid_;
  int server_cpu_;
  int client_cpu_;
  std::optional<ProcessUsage> before_, connected_, start_, end_, self_start_, self_end_;
  std::optional<CpuTime> core_start_, core_end_, client_core_start_, client_core_end_;
};

// How many sessions got ready; the first five that did not, described into `failures`.
template <typename Sessions>
std::size_t count_ready(const Sessions& sessions, nlohmann::json& failures) {
  std::size_t ready = 0;
  failures = nlohmann::json::array();
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    const auto& session = *sessions[i];
    if (session.stage() == LoadSession::Stage::Ready) {
      ++ready;
    } else if (failures.size() < 5) {
      failures.push_back("session " + std::to_string(i) + " " +
                         std::string(to_string(session.stage())) +
                         (session.failure().empty() ? "" : ": " + session.failure()));
    }
  }
  return ready;
}

// The report as indented JSON: to `path`, or to stdout when it is empty.
void write_report(const nlohmann::json& result, const std::string& path);

}  // namespace webvox::load
