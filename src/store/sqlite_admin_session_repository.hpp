#pragma once

#include <string>
#include <unordered_map>

#include "core/admin_session_repository.hpp"
#include "store/sqlite_database.hpp"

namespace webvox::store {

// Session states are cached in memory once read: every admin call checks its token, and this
// process is the only writer of the file (a sign-out goes through here and updates the cache).
class SqliteAdminSessionRepository final : public core::AdminSessionRepository {
 public:
  explicit SqliteAdminSessionRepository(SqliteDatabase& db) : db_(db) {}

  void add(std::string_view token_digest, std::string_view user) override;
  std::optional<core::AdminSessionState> state(std::string_view token_digest) override;
  bool sign_out(std::string_view token_digest) override;

 private:
  SqliteDatabase& db_;
  // Guarded by db_.mutex(). Unknown digests are not cached, so guessing cannot grow it.
  std::unordered_map<std::string, core::AdminSessionState> known_;
};

}  // namespace webvox::store
