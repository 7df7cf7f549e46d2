#pragma once

#include <filesystem>

namespace webvox::app {

// Creates the data folder if needed (mode 0700: it holds secrets) and proves it writable.
// Throws std::runtime_error saying why the folder cannot be used.
void prepare_data_directory(const std::filesystem::path& directory);

}  // namespace webvox::app
