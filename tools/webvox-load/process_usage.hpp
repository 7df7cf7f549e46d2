// What a process has cost so far, from /proc: CPU time (user + system) and resident memory.
// The load generator reads the server's to report CPU per forwarded packet and memory per
// session, and its own to show it was not the bottleneck.
#pragma once

#include <optional>
#include <sys/types.h>

namespace webvox::load {

struct ProcessUsage {
  double cpu_seconds = 0;  // utime + stime, all threads
  long resident_kib = 0;   // VmRSS
};

// None when the process is gone or /proc cannot be read.
std::optional<ProcessUsage> read_process_usage(pid_t pid);

// One CPU's time so far (/proc/stat), in seconds: how busy the server's core was, so that what
// other processes took from it during a run can be told apart from the server's own share.
struct CpuTime {
  double busy_seconds = 0;
  double total_seconds = 0;
};
std::optional<CpuTime> read_cpu_time(int cpu);

}  // namespace webvox::load
