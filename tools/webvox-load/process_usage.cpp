#include "process_usage.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace webvox::load {
namespace {

std::optional<double> cpu_seconds(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(file, text)) return std::nullopt;
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int index = 3; fields >> field; ++index) {
    if (index == 14) utime = std::stoull(field);
    if (index == 15) {
      stime = std::stoull(field);
      return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
    }
  }
  return std::nullopt;
}

std::optional<long> resident_kib(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(file, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return std::nullopt;
}

}  // namespace

std::optional<ProcessUsage> read_process_usage(pid_t pid) {
  const auto cpu = cpu_seconds(pid);
  const auto rss = resident_kib(pid);
  if (!cpu || !rss) return std::nullopt;
  return ProcessUsage{*cpu, *rss};
}

std::optional<CpuTime> read_cpu_time(int cpu) {
  std::ifstream file("/proc/stat");
  const auto label = "cpu" + std::to_string(cpu);
  for (std::string line; std::getline(file, line);) {
    std::istringstream fields(line);
    std::string name;
    fields >> name;
    if (name != label) continue;
    // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
    unsigned long long value = 0, busy = 0, total = 0;
    for (int index = 0; index < 8 && fields >> value; ++index) {
      total += value;
      if (index != 3 && index != 4) busy += value;
    }
    const double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
    return CpuTime{static_cast<double>(busy) / tick, static_cast<double>(total) / tick};
  }
  return std::nullopt;
}

}  // namespace webvox::load
