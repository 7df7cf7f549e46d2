#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <unistd.h>

#include "store/sqlite_account_repository.hpp"
#include "store/sqlite_admin_session_repository.hpp"
#include "store/sqlite_channel_repository.hpp"
#include "store/sqlite_database.hpp"

using namespace webvox;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("webvox-store-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path() const { return store::SqliteDatabase::file_in(dir_); }

  std::filesystem::path dir_;
};

TEST_F(SqliteStoreTest, EverythingSurvivesReopening) {
  {
    store::SqliteDatabase db(path());
    store::SqliteAccountRepository(db).upsert({"xA", "hash-a"});
    store::SqliteAdminSessionRepository(db).add("digest", "admin");
    core::NewChannel channel{"parcel", "Region:Parcel", std::nullopt, {}};
    channel.properties.roll_off = 2.5;
    channel.properties.type = core::ChannelType::NonPositional;
    store::SqliteChannelRepository(db).create_if_absent(channel);
  }
  store::SqliteDatabase db(path());
  EXPECT_EQ(store::SqliteAccountRepository(db).find("xA")->password_hash, "hash-a");
  EXPECT_EQ(store::SqliteAdminSessionRepository(db).state("digest"),
            core::AdminSessionState::Active);
  const auto channel = store::SqliteChannelRepository(db).find(1001);
  ASSERT_TRUE(channel);
  EXPECT_EQ(channel->name, "parcel");
  EXPECT_EQ(channel->description, "Region:Parcel");
  EXPECT_DOUBLE_EQ(channel->properties.roll_off, 2.5);
  EXPECT_EQ(channel->properties.type, core::ChannelType::NonPositional);
  EXPECT_EQ(db.integrity_check(), "ok");
}

TEST_F(SqliteStoreTest, AWriteCanStartOnAnOpenDatabaseAndItsLockIsGivenBack) {
  store::SqliteDatabase db(path());
  EXPECT_EQ(db.write_problem(), std::nullopt);
  // The check took and gave back the write lock: a write from another connection goes
  // through at once, and the check works again after it.
  store::SqliteDatabase other(path());
  store::SqliteAccountRepository(other).upsert({"xA", "hash-a"});
  EXPECT_EQ(db.write_problem(), std::nullopt);
  EXPECT_EQ(store::SqliteAccountRepository(db).find("xA")->password_hash, "hash-a");
}

TEST_F(SqliteStoreTest, UsesWriteAheadLogging) {
  store::SqliteDatabase db(path());
  std::lock_guard lock(db.mutex());
  auto mode = db.prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.step());
  EXPECT_EQ(mode.text(0), "wal");
}

TEST_F(SqliteStoreTest, RefusesADatabaseFromANewerVersion) {
  {
    store::SqliteDatabase db(path());
    db.execute("PRAGMA user_version = 99");
  }
  EXPECT_THROW(store::SqliteDatabase{path()}, store::StoreError);
}

TEST_F(SqliteStoreTest, RefusesAFileThatIsNotADatabase) {
  { std::ofstream(path()) << "this is not sqlite, just some text that is long enough to matter"; }
  EXPECT_THROW(store::SqliteDatabase{path()}, store::StoreError);
}

TEST_F(SqliteStoreTest, SignOutKeepsTheSessionAsSignedOut) {
  store::SqliteDatabase db(path());
  store::SqliteAdminSessionRepository sessions(db);
  sessions.add("d1", "admin");
  EXPECT_TRUE(sessions.sign_out("d1"));
  EXPECT_TRUE(sessions.sign_out("d1"));
  EXPECT_FALSE(sessions.sign_out("d2"));
  EXPECT_EQ(sessions.state("d1"), core::AdminSessionState::SignedOut);
  EXPECT_FALSE(sessions.state("d2"));
}

TEST_F(SqliteStoreTest, ConcurrentCreatesOfOneChannelYieldOneChannel) {
  store::SqliteDatabase db(path());
  store::SqliteChannelRepository channels(db);
  std::vector<std::thread> threads;
  std::vector<core::ChannelId> ids(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      ids[i] = channels.create_if_absent({"same", "", std::nullopt, {}}).channel.id;
    });
  }
  for (auto& t : threads) t.join();
  for (auto id : ids) EXPECT_EQ(id, ids[0]);
  EXPECT_EQ(channels.search({.name = "same"}).size(), 1u);
}
