#include "app/web_root.hpp"

#include <system_error>

namespace webvox::app {

std::filesystem::path default_web_root(const std::filesystem::path& executable,
                                       const std::filesystem::path& built_in) {
  if (!executable.empty() && executable.parent_path().filename() == "bin") {
    const auto installed = executable.parent_path().parent_path() / "share" / "webvox" / "web";
    std::error_code error;
    if (std::filesystem::is_regular_file(installed / "index.html", error)) return installed;
  }
  return built_in;
}

std::filesystem::path running_executable() {
  std::error_code error;
  auto path = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::path{} : path;
}

}  // namespace webvox::app
