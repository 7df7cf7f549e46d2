#include "app/journal_stream.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace webvox::app {

bool stdout_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (!stream) return false;
  unsigned long long device = 0;
  unsigned long long inode = 0;
  if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
  struct stat out {};
  if (::fstat(STDOUT_FILENO, &out) != 0) return false;
  return out.st_dev == device && out.st_ino == inode;
}

}  // namespace webvox::app
