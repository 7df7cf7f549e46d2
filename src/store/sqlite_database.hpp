#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace webvox::store {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class SqliteDatabase;

// A prepared statement, reset when the holder goes out of scope so it can be reused.
class Statement {
 public:
  Statement(SqliteDatabase& db, sqlite3_stmt* stmt);
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  Statement& bind_null(int index);
  Statement& bind(int index, std::optional<std::int64_t> value);

  // Advances to the next row; false when done. Throws StoreError on failure.
  bool step();
  // Runs a statement that returns no rows.
  void run();

  std::string text(int column) const;
  std::int64_t integer(int column) const;
  double real(int column) const;
  bool is_null(int column) const;

 private:
  SqliteDatabase& db_;
  sqlite3_stmt* stmt_;
};

// One SQLite connection in WAL mode, shared by the repositories and serialised by a mutex.
// WAL + synchronous=NORMAL keeps every committed write across a process kill (kill -9);
// only a power loss may drop the last transactions.
class SqliteDatabase {
 public:
  // ":memory:" gives a private in-memory database (tests, fuzzing).
  explicit SqliteDatabase(const std::string& path);
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  static std::string file_in(const std::filesystem::path& data_dir);

  std::mutex& mutex() { return mutex_; }
  // A cached prepared statement for this SQL; call with mutex() held.
  Statement prepare(std::string_view sql);
  void execute(std::string_view sql);
  std::int64_t changes() const;
  std::string where_on_disk() const;
  [[noreturn]] void fail(std::string_view what) const;
  // "ok", or what PRAGMA integrity_check reports.
  std::string integrity_check();
  // Nothing when a write could start now (the file is open for writing and its write lock
  // can be taken: BEGIN IMMEDIATE, then ROLLBACK); else why not, as SQLite says it.
  std::optional<std::string> write_problem();

 private:
  void migrate();
  void release();

  sqlite3* db_ = nullptr;
  std::mutex mutex_;
  struct StatementCache;
  StatementCache* cache_;
};

// Seconds since the epoch, for created/updated columns.
std::int64_t unix_now();

}  // namespace webvox::store
