#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/channel_repository.hpp"

namespace webvox::core {

enum class ChannelError {
  None,
  InvalidName,        // empty or longer than kMaxNameLength
  ParentNotFound,     // chan_parent names no directory
  NotFound,           // no such channel (or not a child of the given parent)
  DirectoryNotEmpty,  // children must be deleted first, as the module does
};

struct CreateChannelRequest {
  std::string name;
  std::string description;
  std::optional<ChannelId> parent;
  RequestedChannelProperties properties;
};

struct CreateChannelOutcome {
  ChannelError error = ChannelError::None;
  std::optional<CreateResult> result;
  std::vector<std::string> adjustments;  // property values that were clamped or defaulted
};

class ChannelService {
 public:
  static constexpr std::size_t kMaxNameLength = 256;
  static constexpr std::size_t kMaxDescriptionLength = 1024;
  // Standard regions hold at most 4096 parcels; var regions more.
  static constexpr std::size_t kMaxPageSize = 10000;
  // Larger offsets are this one: past any store's end.
  static constexpr std::size_t kMaxOffset = std::numeric_limits<std::int64_t>::max();

  explicit ChannelService(ChannelRepository& repository);

  // Idempotent by (name, parent, directory or not): creating an existing channel returns it
  // unchanged.
  CreateChannelOutcome create(const CreateChannelRequest& request);
  // With a parent, the channel must be a child of it.
  ChannelError remove(ChannelId id, std::optional<ChannelId> parent);
  std::vector<Channel> search(ChannelQuery query);
  std::optional<Channel> find(ChannelId id);

 private:
  ChannelRepository& repository_;
};

// Cuts text to at most max_bytes without splitting a UTF-8 sequence.
std::string truncate_utf8(std::string_view text, std::size_t max_bytes);

}  // namespace webvox::core
