#pragma once

#include <cstdint>

namespace webvox::app {

struct OpenFileLimit {
  std::uint64_t before = 0;  // the soft limit webvoxd was started with
  std::uint64_t now = 0;     // the soft limit in force
  std::uint64_t hard = 0;    // the most it could be raised to
};

// Raises this process's soft limit of open files (RLIMIT_NOFILE) to its hard limit: every
// connection is a descriptor, and the usual soft limit of 1,024 is reached by a few hundred
// clients. A hard limit of "unlimited" counts as the kernel's ceiling (fs/nr_open). Never
// lowers the limit; on failure reports it unchanged.
OpenFileLimit raise_open_file_limit();

}  // namespace webvox::app
