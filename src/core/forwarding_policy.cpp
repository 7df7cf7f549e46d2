#include "core/forwarding_policy.hpp"

namespace webvox::core {

std::string_view to_string(ForwardingMode forwarding) {
  return forwarding == ForwardingMode::Sfu ? "sfu" : "mesh";
}

std::string_view to_string(MediaMode mode) {
  switch (mode) {
    case MediaMode::Auto:
      return "auto";
    case MediaMode::Mesh:
      return "mesh";
    case MediaMode::AlwaysSfu:
      return "always-sfu";
  }
  return "auto";
}

std::optional<MediaMode> parse_media_mode(std::string_view text) {
  if (text == "auto") return MediaMode::Auto;
  if (text == "mesh") return MediaMode::Mesh;
  if (text == "always-sfu" || text == "sfu") return MediaMode::AlwaysSfu;
  return std::nullopt;
}

ForwardingMode ForwardingPolicy::decide(ForwardingMode current, std::size_t members) const {
  switch (mode) {
    case MediaMode::Mesh:
      return ForwardingMode::Mesh;
    case MediaMode::AlwaysSfu:
      return ForwardingMode::Sfu;
    case MediaMode::Auto:
      break;
  }
  if (members > sfu_threshold) return ForwardingMode::Sfu;
  if (members < sfu_threshold) return ForwardingMode::Mesh;
  return current;
}

}  // namespace webvox::core
