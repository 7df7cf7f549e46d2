#pragma once

#include "core/channel_repository.hpp"
#include "store/sqlite_database.hpp"

namespace webvox::store {

class SqliteChannelRepository final : public core::ChannelRepository {
 public:
  explicit SqliteChannelRepository(SqliteDatabase& db) : db_(db) {}

  core::CreateResult create_if_absent(const core::NewChannel& channel) override;
  std::optional<core::Channel> find(core::ChannelId id) override;
  std::vector<core::Channel> search(const core::ChannelQuery& query) override;
  core::DeleteResult remove(core::ChannelId id) override;

 private:
  std::optional<core::Channel> find_locked(core::ChannelId id);
  std::optional<core::Channel> find_by_name_locked(const std::string& name,
                                                   std::optional<core::ChannelId> parent,
                                                   bool directory);

  SqliteDatabase& db_;
};

}  // namespace webvox::store
