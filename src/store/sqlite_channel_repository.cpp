#include "store/sqlite_channel_repository.hpp"

#include <algorithm>

namespace webvox::store {
namespace {

constexpr std::string_view kColumns =
    "id, name, description, parent_id, type, mode, distance_model, roll_off, max_range, "
    "clamping_distance";

std::string select_where(std::string_view condition) {
  return "SELECT " + std::string(kColumns) + " FROM channels WHERE " + std::string(condition);
}

core::Channel read_channel(const Statement& row) {
  core::Channel channel;
  channel.id = row.integer(0);
  channel.name = row.text(1);
  channel.description = row.text(2);
  if (!row.is_null(3)) channel.parent = row.integer(3);
  auto& props = channel.properties;
  // Stored values were validated on the way in; a hand-edited row falls back to defaults.
  props.type = core::parse_channel_type(row.text(4)).value_or(core::ChannelType::Positional);
  props.mode = core::parse_channel_mode(row.text(5)).value_or(core::ChannelMode::Open);
  props.distance_model = static_cast<core::DistanceModel>(row.integer(6));
  props.roll_off = row.real(7);
  props.max_range = static_cast<int>(row.integer(8));
  props.clamping_distance = static_cast<int>(row.integer(9));
  return channel;
}

}  // namespace

std::optional<core::Channel> SqliteChannelRepository::find_by_name_locked(
    const std::string& name, std::optional<core::ChannelId> parent, bool directory) {
  auto query =
      db_.prepare(select_where("name = ?1 AND ifnull(parent_id, 0) = ?2 AND (type = 'dir') = ?3"));
  query.bind(1, name).bind(2, parent.value_or(0)).bind(3, std::int64_t{directory});
  if (!query.step()) return std::nullopt;
  return read_channel(query);
}

core::CreateResult SqliteChannelRepository::create_if_absent(const core::NewChannel& channel) {
  std::lock_guard lock(db_.mutex());
  // Look first: a conflicting INSERT would still use up an AUTOINCREMENT id.
  const bool directory = channel.properties.type == core::ChannelType::Directory;
  if (auto existing = find_by_name_locked(channel.name, channel.parent, directory)) {
    return core::CreateResult{std::move(*existing), false};
  }
  const auto& props = channel.properties;
  {
    // The unique index still guards against another process sharing the file.
    auto insert = db_.prepare(
        "INSERT INTO channels(name, description, parent_id, type, mode, distance_model, roll_off, "
        "max_range, clamping_distance, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
        "?10) "
        "ON CONFLICT DO NOTHING");
    insert.bind(1, channel.name)
        .bind(2, channel.description)
        .bind(3, channel.parent)
        .bind(4, core::to_string(props.type))
        .bind(5, core::to_string(props.mode))
        .bind(6, static_cast<std::int64_t>(props.distance_model))
        .bind(7, props.roll_off)
        .bind(8, static_cast<std::int64_t>(props.max_range))
        .bind(9, static_cast<std::int64_t>(props.clamping_distance))
        .bind(10, unix_now())
        .run();
  }
  const bool created = db_.changes() > 0;
  auto stored = find_by_name_locked(channel.name, channel.parent, directory);
  if (!stored) throw StoreError("channel vanished right after its creation");
  return core::CreateResult{std::move(*stored), created};
}

std::optional<core::Channel> SqliteChannelRepository::find_locked(core::ChannelId id) {
  auto query = db_.prepare(select_where("id = ?1"));
  query.bind(1, id);
  if (!query.step()) return std::nullopt;
  return read_channel(query);
}

std::optional<core::Channel> SqliteChannelRepository::find(core::ChannelId id) {
  std::lock_guard lock(db_.mutex());
  return find_locked(id);
}

std::vector<core::Channel> SqliteChannelRepository::search(const core::ChannelQuery& query) {
  std::lock_guard lock(db_.mutex());
  // One statement per query shape, so SQLite can pick the index for each (a generic
  // "?1 IS NULL OR name = ?1" would make it scan the table). A name matches a handful of rows:
  // sorting those here is cheaper than the temporary B-tree SQLite builds for ORDER BY id.
  std::string condition = "1";
  if (query.name) condition += " AND name = ?1";
  if (query.parent) condition += " AND parent_id = ?2";
  if (!query.name) condition += " ORDER BY id LIMIT ?3 OFFSET ?4";
  auto statement = db_.prepare(select_where(condition));
  if (query.name) statement.bind(1, *query.name);
  if (query.parent) statement.bind(2, *query.parent);
  if (!query.name) {
    statement.bind(3, static_cast<std::int64_t>(query.limit))
        .bind(4, static_cast<std::int64_t>(query.offset));
  }
  std::vector<core::Channel> channels;
  while (statement.step()) channels.push_back(read_channel(statement));
  if (query.name) {
    std::sort(channels.begin(), channels.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
    const auto first = std::min(query.offset, channels.size());
    channels.erase(channels.begin(), channels.begin() + static_cast<std::ptrdiff_t>(first));
    if (channels.size() > query.limit) channels.resize(query.limit);
  }
  return channels;
}

core::DeleteResult SqliteChannelRepository::remove(core::ChannelId id) {
  std::lock_guard lock(db_.mutex());
  {
    auto children = db_.prepare("SELECT 1 FROM channels WHERE parent_id = ?1 LIMIT 1");
    children.bind(1, id);
    if (children.step()) return core::DeleteResult::NotEmpty;
  }
  auto remove = db_.prepare("DELETE FROM channels WHERE id = ?1");
  remove.bind(1, id).run();
  return db_.changes() > 0 ? core::DeleteResult::Deleted : core::DeleteResult::NotFound;
}

}  // namespace webvox::store
