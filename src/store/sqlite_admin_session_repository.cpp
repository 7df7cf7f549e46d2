#include "store/sqlite_admin_session_repository.hpp"

namespace webvox::store {

void SqliteAdminSessionRepository::add(std::string_view token_digest, std::string_view user) {
  std::lock_guard lock(db_.mutex());
  auto insert =
      db_.prepare("INSERT INTO admin_sessions(token_digest, user, created_at) VALUES (?1, ?2, ?3)");
  insert.bind(1, token_digest).bind(2, user).bind(3, unix_now()).run();
  known_[std::string(token_digest)] = core::AdminSessionState::Active;
}

std::optional<core::AdminSessionState> SqliteAdminSessionRepository::state(
    std::string_view token_digest) {
  std::lock_guard lock(db_.mutex());
  if (const auto cached = known_.find(std::string(token_digest)); cached != known_.end()) {
    return cached->second;
  }
  auto query = db_.prepare("SELECT signed_out_at FROM admin_sessions WHERE token_digest = ?1");
  query.bind(1, token_digest);
  if (!query.step()) return std::nullopt;
  const auto state =
      query.is_null(0) ? core::AdminSessionState::Active : core::AdminSessionState::SignedOut;
  known_[std::string(token_digest)] = state;
  return state;
}

bool SqliteAdminSessionRepository::sign_out(std::string_view token_digest) {
  std::lock_guard lock(db_.mutex());
  auto update = db_.prepare(
      "UPDATE admin_sessions SET signed_out_at = ifnull(signed_out_at, ?2) WHERE token_digest = "
      "?1");
  update.bind(1, token_digest).bind(2, unix_now()).run();
  if (db_.changes() == 0) return false;
  known_[std::string(token_digest)] = core::AdminSessionState::SignedOut;
  return true;
}

}  // namespace webvox::store
