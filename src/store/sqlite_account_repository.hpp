#pragma once

#include "core/account_repository.hpp"
#include "store/sqlite_database.hpp"

namespace webvox::store {

class SqliteAccountRepository final : public core::AccountRepository {
 public:
  explicit SqliteAccountRepository(SqliteDatabase& db) : db_(db) {}

  std::optional<core::Account> find(std::string_view name) override;
  bool upsert(const core::Account& account) override;
  bool set_password_hash(std::string_view name, std::string_view password_hash) override;

 private:
  SqliteDatabase& db_;
};

}  // namespace webvox::store
