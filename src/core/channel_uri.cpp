#include "core/channel_uri.hpp"

#include <charconv>

namespace webvox::core {
namespace {
constexpr std::string_view kPrefix = "sip:confctl-";
}

std::string channel_uri(ChannelId id, std::string_view realm) {
  std::string uri{kPrefix};
  uri += std::to_string(id);
  uri += '@';
  uri += realm;
  return uri;
}

std::optional<ChannelId> parse_channel_uri(std::string_view uri, std::string_view realm) {
  if (!uri.starts_with(kPrefix)) return std::nullopt;
  uri.remove_prefix(kPrefix.size());
  const auto at = uri.find('@');
  if (at == std::string_view::npos || uri.substr(at + 1) != realm) return std::nullopt;
  const auto digits = uri.substr(0, at);
  ChannelId id = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc{} || ptr != digits.data() + digits.size() || id <= 0) return std::nullopt;
  return id;
}

}  // namespace webvox::core
