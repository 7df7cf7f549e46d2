#pragma once

#include <filesystem>

namespace webvox::app {

// Where webvoxd serves the browser client from when web-root is not set: beside an installed
// binary (<prefix>/bin/webvoxd → <prefix>/share/webvox/web, as `cmake --install` and the
// Debian package lay it out) when that folder holds the client, else `built_in` (what the
// build named: the source tree's web/ for a binary run where it was built).
std::filesystem::path default_web_root(const std::filesystem::path& executable,
                                       const std::filesystem::path& built_in);

// This process's binary (/proc/self/exe); empty when it cannot be read.
std::filesystem::path running_executable();

}  // namespace webvox::app
