#pragma once

#include <filesystem>
#include <optional>

#include "http/http_message.hpp"

namespace webvox::app {

// Serves the browser client (web/) read-only: "/" is index.html; only regular files inside
// the root, never a path that climbs out of it or names a hidden file.
class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);

  // Nothing if the request is not a GET/HEAD of an existing file.
  std::optional<http::Response> serve(const http::Request& request) const;

  static std::string_view content_type_for(const std::filesystem::path& file);

 private:
  std::filesystem::path root_;
};

}  // namespace webvox::app
