#include "store/sqlite_account_repository.hpp"

namespace webvox::store {

std::optional<core::Account> SqliteAccountRepository::find(std::string_view name) {
  std::lock_guard lock(db_.mutex());
  auto query = db_.prepare("SELECT name, password_hash FROM accounts WHERE name = ?1");
  query.bind(1, name);
  if (!query.step()) return std::nullopt;
  return core::Account{query.text(0), query.text(1)};
}

bool SqliteAccountRepository::upsert(const core::Account& account) {
  std::lock_guard lock(db_.mutex());
  const auto now = unix_now();
  {
    auto insert = db_.prepare(
        "INSERT INTO accounts(name, password_hash, created_at, updated_at) VALUES (?1, ?2, ?3, ?3) "
        "ON CONFLICT(name) DO NOTHING");
    insert.bind(1, account.name).bind(2, account.password_hash).bind(3, now).run();
  }
  if (db_.changes() > 0) return true;
  auto update =
      db_.prepare("UPDATE accounts SET password_hash = ?2, updated_at = ?3 WHERE name = ?1");
  update.bind(1, account.name).bind(2, account.password_hash).bind(3, now).run();
  return false;
}

bool SqliteAccountRepository::set_password_hash(std::string_view name,
                                                std::string_view password_hash) {
  std::lock_guard lock(db_.mutex());
  auto update =
      db_.prepare("UPDATE accounts SET password_hash = ?2, updated_at = ?3 WHERE name = ?1");
  update.bind(1, name).bind(2, password_hash).bind(3, unix_now()).run();
  return db_.changes() > 0;
}

}  // namespace webvox::store
