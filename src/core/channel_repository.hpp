#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/channel.hpp"

namespace webvox::core {

struct ChannelQuery {
  std::optional<std::string> name;  // exact match
  std::optional<ChannelId> parent;  // direct children of this directory
  std::size_t offset = 0;
  std::size_t limit = 100;
};

struct CreateResult {
  Channel channel;
  bool created = false;  // false: one of that name, parent and kind (directory or not) existed
};

enum class DeleteResult { Deleted, NotFound, NotEmpty };

// Where channels live. Implementations must be safe to call from several threads and
// make create_if_absent atomic: two simulators may race to create one parcel's channel.
class ChannelRepository {
 public:
  virtual ~ChannelRepository() = default;

  virtual CreateResult create_if_absent(const NewChannel& channel) = 0;
  virtual std::optional<Channel> find(ChannelId id) = 0;
  // Ordered by id.
  virtual std::vector<Channel> search(const ChannelQuery& query) = 0;
  // A directory that still has children is not deleted.
  virtual DeleteResult remove(ChannelId id) = 0;
};

}  // namespace webvox::core
