#pragma once

#include "core/admin_session_repository.hpp"
#include "store/sqlite_database.hpp"

namespace webvox::store {

class SqliteAdminSessionRepository final : public core::AdminSessionRepository {
 public:
  explicit SqliteAdminSessionRepository(SqliteDatabase& db) : db_(db) {}

  void add(std::string_view token_digest, std::string_view user) override;
  std::optional<core::AdminSessionState> state(std::string_view token_digest) override;
  bool sign_out(std::string_view token_digest) override;

 private:
  SqliteDatabase& db_;
};

}  // namespace webvox::store
