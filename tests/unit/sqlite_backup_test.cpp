#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "store/sqlite_account_repository.hpp"
#include "store/sqlite_backup.hpp"
#include "store/sqlite_database.hpp"

using namespace webvox;

namespace {

std::int64_t count_accounts(store::SqliteDatabase& db) {
  std::lock_guard lock(db.mutex());
  auto count = db.prepare("SELECT count(*) FROM accounts");
  return count.step() ? count.integer(0) : -1;
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

class SqliteBackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("webvox-backup-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path store() const { return store::SqliteDatabase::file_in(dir_); }

  std::filesystem::path dir_;
};

// The server's connection keeps writing, one transaction per account, while backups are
// taken: each copy is whole, checks out, and holds what was committed before it began.
TEST_F(SqliteBackupTest, CopiesAConsistentSnapshotWhileTheStoreIsWritten) {
  store::SqliteDatabase db(store());
  store::SqliteAccountRepository accounts(db);
  std::atomic<int> written{0};
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    while (!stop) {
      accounts.upsert({"x" + std::to_string(written.load()), "hash"});
      ++written;
    }
  });
  while (written < 200) std::this_thread::yield();

  for (int i = 0; i < 5; ++i) {
    const int before = written;
    const auto target = dir_ / ("copy-" + std::to_string(i) + ".sqlite3");
    const auto summary = store::backup_database(store(), target);
    const int after = written;
    EXPECT_EQ(summary.schema_version, 1);
    EXPECT_EQ(summary.bytes, static_cast<std::int64_t>(std::filesystem::file_size(target)));
    // One file: no -wal beside it, and its header says rollback journal (byte 18 == 1).
    EXPECT_FALSE(std::filesystem::exists(target.string() + "-wal"));
    EXPECT_EQ(read_file(target).at(18), 1);
    EXPECT_FALSE(std::filesystem::exists(target.string() + ".partial"));

    store::SqliteDatabase copy(target.string());
    EXPECT_EQ(copy.integrity_check(), "ok");
    const auto rows = count_accounts(copy);
    EXPECT_GE(rows, before);
    EXPECT_LE(rows, after);
    EXPECT_TRUE(store::SqliteAccountRepository(copy).find("x0"));
  }
  stop = true;
  writer.join();
}

TEST_F(SqliteBackupTest, ReplacesAnEarlierBackup) {
  const auto target = dir_ / "backup.sqlite3";
  store::SqliteDatabase db(store());
  store::SqliteAccountRepository accounts(db);
  accounts.upsert({"first", "hash"});
  store::backup_database(store(), target);
  accounts.upsert({"second", "hash"});
  store::backup_database(store(), target);
  store::SqliteDatabase copy(target.string());
  EXPECT_EQ(count_accounts(copy), 2);
}

TEST_F(SqliteBackupTest, AMissingStoreIsAnErrorAndNothingIsCreated) {
  const auto target = dir_ / "backup.sqlite3";
  { std::ofstream(target) << "an older backup"; }
  try {
    store::backup_database(dir_ / "absent.sqlite3", target);
    FAIL() << "no error";
  } catch (const store::StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("absent.sqlite3"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(dir_ / "absent.sqlite3"));
  EXPECT_EQ(read_file(target), "an older backup");
}

TEST_F(SqliteBackupTest, AnUnwritableTargetIsAnErrorThatNamesIt) {
  { store::SqliteDatabase db(store()); }
  const auto target = dir_ / "no-such-folder" / "backup.sqlite3";
  try {
    store::backup_database(store(), target);
    FAIL() << "no error";
  } catch (const store::StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-folder"), std::string::npos) << e.what();
  }
}

TEST_F(SqliteBackupTest, RefusesToOverwriteTheStoreItself) {
  { store::SqliteDatabase db(store()); }
  EXPECT_THROW(store::backup_database(store(), store()), store::StoreError);
  store::SqliteDatabase db(store());
  EXPECT_EQ(db.integrity_check(), "ok");
}
