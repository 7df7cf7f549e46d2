#pragma once

#include <cstdint>
#include <filesystem>

namespace webvox::store {

struct BackupSummary {
  std::int64_t bytes = 0;           // size of the copy
  std::int64_t schema_version = 0;  // the copy's PRAGMA user_version
};

// Copies the store at `source` into `target` while a webvoxd may be writing to it. SQLite's
// online backup API copies one consistent snapshot (a read transaction: in WAL mode the
// server's writes go on meanwhile) into `target`.partial, which becomes a self-contained
// file (rollback journal, no -wal beside it), passes PRAGMA integrity_check and is synced
// before it is renamed over `target`. Never creates or migrates `source`.
// Throws StoreError saying what failed; `target` is then untouched.
BackupSummary backup_database(const std::filesystem::path& source,
                              const std::filesystem::path& target);

}  // namespace webvox::store
