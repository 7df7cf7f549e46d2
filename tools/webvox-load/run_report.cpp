#include "run_report.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iostream>

namespace webvox::load {

std::optional<ProcessUsage> RunUsage::server() const {
  return server_pid_ > 0 ? read_process_usage(server_pid_) : std::nullopt;
}

void RunUsage::before_sessions() { before_ = server(); }

void RunUsage::connected() { connected_ = server(); }

void RunUsage::window_started() {
  self_start_ = read_process_usage(getpid());
  start_ = server();
  core_start_ = read_cpu_time(server_cpu_);
  client_core_start_ = read_cpu_time(client_cpu_);
}

void RunUsage::window_ended() {
  end_ = server();
  core_end_ = read_cpu_time(server_cpu_);
  client_core_end_ = read_cpu_time(client_cpu_);
  self_end_ = read_process_usage(getpid());
}

std::optional<double> RunUsage::server_cpu_seconds() const {
  if (!start_ || !end_) return std::nullopt;
  return end_->cpu_seconds - start_->cpu_seconds;
}

void RunUsage::add_to(nlohmann::json& result, std::size_t ready, double window_seconds) const {
  if (self_start_ && self_end_) {
    result["client_cpu_percent"] =
        100 * (self_end_->cpu_seconds - self_start_->cpu_seconds) / window_seconds;
  }
  if (before_ && connected_ && start_ && end_) {
    const auto per_session = [&](long resident_kib) {
      return ready ? static_cast<double>(resident_kib - before_->resident_kib) /
                         static_cast<double>(ready)
                   : 0.0;
    };
    result["server"].update({
        {"cpu_percent", 100 * *server_cpu_seconds() / window_seconds},
        {"rss_before_kib", before_->resident_kib},
        {"rss_connected_kib", connected_->resident_kib},
        {"rss_end_kib", end_->resident_kib},
        // While every session runs, at the end of the measured window: what a running server
        // holds per session (the connect-time figure includes handshakes in flight).
        {"kib_per_session", per_session(end_->resident_kib)},
        {"kib_per_session_at_connect", per_session(connected_->resident_kib)},
    });
  }
  // What the core was busy with beyond `own` CPU seconds, as a share of the window.
  const auto others = [](const std::optional<CpuTime>& from, const std::optional<CpuTime>& to,
                         double own) {
    const double elapsed = to->total_seconds - from->total_seconds;
    return elapsed > 0
               ? std::max(0.0, 100 * ((to->busy_seconds - from->busy_seconds) - own) / elapsed)
               : 0.0;
  };
  if (start_ && end_ && core_start_ && core_end_) {
    result["other_load_on_server_cpu_percent"] =
        others(core_start_, core_end_, *server_cpu_seconds());
  }
  if (self_start_ && self_end_ && client_core_start_ && client_core_end_) {
    result["other_load_on_client_cpu_percent"] = others(
        client_core_start_, client_core_end_, self_end_->cpu_seconds - self_start_->cpu_seconds);
  }
}

void write_report(const nlohmann::json& result, const std::string& path) {
  const auto text = result.dump(2);
  if (path.empty()) {
    std::cout << text << std::endl;
  } else {
    std::ofstream(path) << text << std::endl;
  }
}

}  // namespace webvox::load
