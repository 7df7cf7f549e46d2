#include "core/channel_service.hpp"

#include <algorithm>

namespace webvox::core {

std::string truncate_utf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t end = max_bytes;
  // Step back over continuation bytes (10xxxxxx) so the cut falls between characters.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

ChannelService::ChannelService(ChannelRepository& repository) : repository_(repository) {}

CreateChannelOutcome ChannelService::create(const CreateChannelRequest& request) {
  CreateChannelOutcome outcome;
  if (request.name.empty() || request.name.size() > kMaxNameLength) {
    outcome.error = ChannelError::InvalidName;
    return outcome;
  }
  if (request.parent) {
    const auto parent = repository_.find(*request.parent);
    if (!parent || !parent->is_directory()) {
      outcome.error = ChannelError::ParentNotFound;
      return outcome;
    }
  }
  auto normalized = normalize(request.properties);
  outcome.adjustments = std::move(normalized.adjustments);
  if (request.description.size() > kMaxDescriptionLength) {
    outcome.adjustments.push_back("chan_desc cut to " + std::to_string(kMaxDescriptionLength) +
                                  " bytes");
  }
  outcome.result = repository_.create_if_absent(
      NewChannel{request.name, truncate_utf8(request.description, kMaxDescriptionLength),
                 request.parent, normalized.properties});
  return outcome;
}

ChannelError ChannelService::remove(ChannelId id, std::optional<ChannelId> parent) {
  if (parent) {
    const auto channel = repository_.find(id);
    if (!channel || channel->parent != parent) return ChannelError::NotFound;
  }
  switch (repository_.remove(id)) {
    case DeleteResult::Deleted:
      return ChannelError::None;
    case DeleteResult::NotFound:
      return ChannelError::NotFound;
    case DeleteResult::NotEmpty:
      return ChannelError::DirectoryNotEmpty;
  }
  return ChannelError::NotFound;
}

std::vector<Channel> ChannelService::search(ChannelQuery query) {
  query.limit = std::min(query.limit, kMaxPageSize);
  // Stores count rows in signed 64 bits: an offset of 2^63 or more must stay past the end
  // (the empty page it asks for), not wrap around to the first page.
  query.offset = std::min<std::size_t>(query.offset, kMaxOffset);
  return repository_.search(query);
}

std::optional<Channel> ChannelService::find(ChannelId id) { return repository_.find(id); }

}  // namespace webvox::core
