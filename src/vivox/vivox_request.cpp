#include "vivox/vivox_request.hpp"

#include <vector>

namespace webvox::vivox {
namespace {

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find_first_of("?#"));
}

// The last two non-empty path segments, e.g. {"api2", "viv_signin.php"}.
bool last_two_segments(std::string_view path, std::string_view& directory, std::string_view& file) {
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    const auto slash = path.find('/');
    const auto segment = path.substr(0, slash);
    if (!segment.empty()) segments.push_back(segment);
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
  }
  if (segments.size() < 2) return false;
  directory = segments[segments.size() - 2];
  file = segments.back();
  return true;
}

// The script name if the target's path is "…/api2/{script}".
std::optional<std::string_view> script_of(std::string_view target) {
  std::string_view directory, file;
  if (!last_two_segments(path_of(target), directory, file) || directory != "api2") {
    return std::nullopt;
  }
  return file;
}

}  // namespace

std::optional<VivoxRequest> parse_vivox_request(std::string_view target, std::string_view body,
                                                bool body_is_form) {
  const auto script = script_of(target);
  if (!script) return std::nullopt;
  VivoxRequest request;
  request.script = std::string(*script);
  // A '?' inside a fragment starts no query: a fragment is never part of a request.
  const auto question = target.find_first_of("?#");
  if (question != std::string_view::npos && target[question] == '?') {
    request.parameters = base::parse_query(target.substr(question + 1));
  }
  if (body_is_form) request.parameters.merge(base::parse_form(body));
  return request;
}

}  // namespace webvox::vivox
