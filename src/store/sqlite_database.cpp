#include "store/sqlite_database.hpp"

#include <sqlite3.h>

#include <chrono>
#include <unordered_map>

namespace webvox::store {
namespace {

// Each entry upgrades the schema by one version (PRAGMA user_version counts them).
constexpr std::string_view kMigrations[] = {
    R"sql(
CREATE TABLE accounts (
  name          TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE admin_sessions (
  token_digest  TEXT PRIMARY KEY,
  user          TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  signed_out_at INTEGER
) WITHOUT ROWID;

CREATE TABLE channels (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  name              TEXT NOT NULL,
  description       TEXT NOT NULL,
  parent_id         INTEGER REFERENCES channels(id),
  type              TEXT NOT NULL,
  mode              TEXT NOT NULL,
  distance_model    INTEGER NOT NULL,
  roll_off          REAL NOT NULL,
  max_range         INTEGER NOT NULL,
  clamping_distance INTEGER NOT NULL,
  created_at        INTEGER NOT NULL
);
-- Creation is idempotent by (name, parent, directory or not); no parent counts as parent 0.
-- Directories and channels never stand in for each other: a parcel name that smuggles
-- "chan_type=dir" into a create must not block that parcel's voice channel for good.
CREATE UNIQUE INDEX channels_by_name_parent ON channels(name, ifnull(parent_id, 0), type = 'dir');
CREATE INDEX channels_by_parent ON channels(parent_id);
-- Vivox-like ids: the first channel is 1001.
INSERT INTO sqlite_sequence(name, seq) VALUES ('channels', 1000);
)sql",
};

}  // namespace

struct SqliteDatabase::StatementCache {
  std::unordered_map<std::string, sqlite3_stmt*> statements;
};

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string SqliteDatabase::file_in(const std::filesystem::path& data_dir) {
  return (data_dir / "webvox.sqlite3").string();
}

SqliteDatabase::SqliteDatabase(const std::string& path) : cache_(new StatementCache) {
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    delete cache_;
    throw StoreError("cannot open database " + path + ": " + message);
  }
  try {
    sqlite3_busy_timeout(db_, 5000);
    execute("PRAGMA journal_mode=WAL");
    execute("PRAGMA synchronous=NORMAL");
    execute("PRAGMA foreign_keys=ON");
    migrate();
  } catch (...) {
    release();  // a failed migration may have left prepared statements behind
    throw;
  }
}

SqliteDatabase::~SqliteDatabase() { release(); }

void SqliteDatabase::release() {
  // Statements first: sqlite3_close refuses (and leaks) a connection that still has some.
  for (auto& [sql, stmt] : cache_->statements) sqlite3_finalize(stmt);
  delete cache_;
  cache_ = nullptr;
  sqlite3_close(db_);
  db_ = nullptr;
}

// For errors of the disk rather than of the statement (full, read-only, I/O), which file: an
// operator must know where to make room.
std::string SqliteDatabase::where_on_disk() const {
  switch (sqlite3_errcode(db_) & 0xff) {
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN: {
      const char* file = sqlite3_db_filename(db_, "main");
      return file && *file ? std::string(" (database file ") + file + ")" : std::string();
    }
    default:
      return {};
  }
}

void SqliteDatabase::fail(std::string_view what) const {
  throw StoreError(std::string(what) + ": " + sqlite3_errmsg(db_) + where_on_disk());
}

void SqliteDatabase::execute(std::string_view sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    throw StoreError("SQL failed: " + message + where_on_disk());
  }
}

void SqliteDatabase::migrate() {
  std::int64_t version = 0;
  {
    Statement query = prepare("PRAGMA user_version");
    if (query.step()) version = query.integer(0);
  }
  const auto latest = static_cast<std::int64_t>(std::size(kMigrations));
  if (version > latest) {
    throw StoreError("database schema version " + std::to_string(version) +
                     " is newer than this webvoxd understands (" + std::to_string(latest) + ")");
  }
  for (; version < latest; ++version) {
    execute("BEGIN IMMEDIATE");
    try {
      execute(kMigrations[version]);
      execute("PRAGMA user_version = " + std::to_string(version + 1));
      execute("COMMIT");
    } catch (...) {
      execute("ROLLBACK");
      throw;
    }
  }
}

Statement SqliteDatabase::prepare(std::string_view sql) {
  auto& slot = cache_->statements[std::string(sql)];
  if (!slot && sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                  SQLITE_PREPARE_PERSISTENT, &slot, nullptr) != SQLITE_OK) {
    fail("cannot prepare statement");
  }
  return Statement(*this, slot);
}

std::int64_t SqliteDatabase::changes() const { return sqlite3_changes64(db_); }

std::string SqliteDatabase::integrity_check() {
  std::lock_guard lock(mutex_);
  Statement check = prepare("PRAGMA integrity_check");
  std::string result;
  while (check.step()) {
    if (!result.empty()) result += '\n';
    result += check.text(0);
  }
  return result;
}

std::optional<std::string> SqliteDatabase::write_problem() {
  std::lock_guard lock(mutex_);
  if (sqlite3_db_readonly(db_, "main") != 0) return "the database is open read-only";
  char* error = nullptr;
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, &error) != SQLITE_OK) {
    std::string why = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    return "cannot start a write: " + why;
  }
  sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  return std::nullopt;
}

Statement::Statement(SqliteDatabase& db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}

Statement::~Statement() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Statement& Statement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK) {
    db_.fail("cannot bind text");
  }
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) db_.fail("cannot bind integer");
  return *this;
}

Statement& Statement::bind(int index, double value) {
  if (sqlite3_bind_double(stmt_, index, value) != SQLITE_OK) db_.fail("cannot bind real");
  return *this;
}

Statement& Statement::bind_null(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) db_.fail("cannot bind null");
  return *this;
}

Statement& Statement::bind(int index, std::optional<std::int64_t> value) {
  return value ? bind(index, *value) : bind_null(index);
}

bool Statement::step() {
  switch (sqlite3_step(stmt_)) {
    case SQLITE_ROW:
      return true;
    case SQLITE_DONE:
      return false;
    default:
      db_.fail("statement failed");
  }
}

void Statement::run() {
  while (step()) {
  }
}

std::string Statement::text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return data ? std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
              : std::string();
}

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::real(int column) const { return sqlite3_column_double(stmt_, column); }
bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

}  // namespace webvox::store
