#include "app/open_file_limit.hpp"

#include <sys/resource.h>

#include <fstream>

namespace webvox::app {
namespace {

std::uint64_t kernel_ceiling() {
  std::uint64_t ceiling = 0;
  std::ifstream file("/proc/sys/fs/nr_open");
  if (file >> ceiling && ceiling > 0) return ceiling;
  return 1u << 20;  // Linux's default nr_open
}

}  // namespace

OpenFileLimit raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return {};
  const std::uint64_t hard = limit.rlim_max == RLIM_INFINITY ? kernel_ceiling() : limit.rlim_max;
  OpenFileLimit result{limit.rlim_cur, limit.rlim_cur, hard};
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < hard) {
    limit.rlim_cur = hard;
    if (::setrlimit(RLIMIT_NOFILE, &limit) == 0) result.now = hard;
  }
  return result;
}

}  // namespace webvox::app
