#include "store/sqlite_backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "store/sqlite_database.hpp"

namespace webvox::store {
namespace {

// A connection closed however the copy ends.
struct Connection {
  sqlite3* db = nullptr;
  Connection(const std::filesystem::path& path, int flags, const char* role) {
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
      const std::string message = db ? sqlite3_errmsg(db) : "out of memory";
      sqlite3_close(db);
      throw StoreError(std::string("cannot open ") + role + " " + path.string() + ": " + message);
    }
    sqlite3_busy_timeout(db, 5000);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() { sqlite3_close(db); }

  [[noreturn]] void fail(const std::string& what) const {
    throw StoreError(what + ": " + sqlite3_errmsg(db));
  }
  void execute(const char* sql) const {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(sql);
  }
  // The rows of a one-column query, one per line.
  std::string query(const char* sql) const {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) fail(sql);
    std::string rows;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      if (!rows.empty()) rows += '\n';
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
      rows += text ? text : "";
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE) fail(sql);
    return rows;
  }
};

void sync_path(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const std::string error = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    throw StoreError("cannot sync " + path.string() + ": " + error);
  }
  ::close(fd);
}

// Copies every page of `from` into `to` in one step: one read transaction, so one snapshot.
// A writer holding the file (a checkpoint, a migration) makes it wait, as long as the busy
// timeout would.
void copy_pages(const Connection& from, const Connection& to) {
  sqlite3_backup* backup = sqlite3_backup_init(to.db, "main", from.db, "main");
  if (!backup) to.fail("cannot start the backup");
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  int rc;
  while ((rc = sqlite3_backup_step(backup, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    if (std::chrono::steady_clock::now() > give_up) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    throw StoreError(
        std::string("backup failed: ") + sqlite3_errstr(rc) +
        (rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? " (the store stayed locked for 30 s)" : ""));
  }
}

}  // namespace

BackupSummary backup_database(const std::filesystem::path& source,
                              const std::filesystem::path& target) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(source, ec)) {
    throw StoreError("no database at " + source.string() + " (is data-dir right?)");
  }
  if (fs::exists(target, ec) && fs::equivalent(source, target, ec)) {
    throw StoreError("the backup cannot replace the store itself (" + target.string() + ")");
  }
  const fs::path partial = target.string() + ".partial";
  fs::remove(partial, ec);
  BackupSummary summary;
  try {
    {
      // Read-write but never create: a reader of a WAL store may have to build its index.
      const Connection from(source, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, "the store");
      const Connection to(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                          "the backup");
      copy_pages(from, to);
      // The copy keeps the store's WAL flag; one file without a -wal is what a backup should be.
      to.execute("PRAGMA journal_mode=DELETE");
      const auto check = to.query("PRAGMA integrity_check");
      if (check != "ok") throw StoreError("the copy fails its integrity check: " + check);
      summary.schema_version = std::stoll(to.query("PRAGMA user_version"));
    }
    sync_path(partial, O_RDONLY);
    summary.bytes = static_cast<std::int64_t>(fs::file_size(partial));
    fs::rename(partial, target);
    sync_path(target.parent_path().empty() ? fs::path(".") : target.parent_path(),
              O_RDONLY | O_DIRECTORY);
  } catch (const fs::filesystem_error& e) {
    fs::remove(partial, ec);
    throw StoreError(std::string("backup to ") + target.string() + ": " + e.what());
  } catch (...) {
    fs::remove(partial, ec);
    throw;
  }
  return summary;
}

}  // namespace webvox::store
