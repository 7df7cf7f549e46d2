#include "app/static_files.hpp"

#include <fstream>
#include <sstream>

namespace webvox::app {

StaticFiles::StaticFiles(std::filesystem::path root)
    : root_(std::filesystem::weakly_canonical(std::move(root))) {}

std::string_view StaticFiles::content_type_for(const std::filesystem::path& file) {
  const auto extension = file.extension().string();
  if (extension == ".html") return "text/html; charset=utf-8";
  if (extension == ".js" || extension == ".mjs") return "text/javascript; charset=utf-8";
  if (extension == ".css") return "text/css; charset=utf-8";
  if (extension == ".svg") return "image/svg+xml";
  if (extension == ".png") return "image/png";
  if (extension == ".ico") return "image/x-icon";
  if (extension == ".json" || extension == ".webmanifest") return "application/json";
  if (extension == ".wav") return "audio/wav";
  return "application/octet-stream";
}

std::optional<http::Response> StaticFiles::serve(const http::Request& request) const {
  if (request.method != "GET" && request.method != "HEAD") return std::nullopt;
  std::string path = request.target.substr(0, request.target.find_first_of("?#"));
  if (path.empty() || path.front() != '/') return std::nullopt;
  if (path.back() == '/') path += "index.html";
  // No percent-decoding: our files have plain names, and undecoded escapes cannot climb out.
  const std::filesystem::path relative(path.substr(1));
  for (const auto& part : relative) {
    const auto name = part.string();
    if (name.empty() || name.front() == '.') return std::nullopt;
  }
  std::error_code ec;
  const auto file = std::filesystem::weakly_canonical(root_ / relative, ec);
  if (ec || !std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  const auto [root_end, file_it] =
      std::mismatch(root_.begin(), root_.end(), file.begin(), file.end());
  if (root_end != root_.end()) return std::nullopt;  // a link that leads outside the root

  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream body;
  body << in.rdbuf();
  http::Response response{200,
                          std::string(content_type_for(file)),
                          request.method == "HEAD" ? std::string() : body.str(),
                          {}};
  // The client is small and changes with the server: always revalidate.
  response.headers.emplace_back("Cache-Control", "no-cache");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return response;
}

}  // namespace webvox::app
