#include "core/channel_service.hpp"

#include <gtest/gtest.h>

#include "store/sqlite_channel_repository.hpp"

using namespace webvox;
using core::ChannelError;

class ChannelServiceTest : public ::testing::Test {
 protected:
  core::CreateChannelOutcome create(const std::string& name,
                                    std::optional<core::ChannelId> parent = {},
                                    std::optional<std::string> type = {}) {
    core::CreateChannelRequest request;
    request.name = name;
    request.description = "Test Region:" + name;
    request.parent = parent;
    request.properties.type = type;
    return channels.create(request);
  }

  store::SqliteDatabase db{":memory:"};
  store::SqliteChannelRepository repository{db};
  core::ChannelService channels{repository};
};

TEST_F(ChannelServiceTest, IdsStartAt1001AndCreateIsIdempotentByName) {
  const auto first = create("9d2f6c1a-7e4b-4c3d-9a8b-1f2e3d4c5b6a");
  ASSERT_EQ(first.error, ChannelError::None);
  EXPECT_EQ(first.result->channel.id, 1001);
  EXPECT_TRUE(first.result->created);
  const auto again = create("9d2f6c1a-7e4b-4c3d-9a8b-1f2e3d4c5b6a");
  EXPECT_EQ(again.result->channel.id, 1001);
  EXPECT_FALSE(again.result->created);
  EXPECT_EQ(create("other").result->channel.id, 1002);
}

TEST_F(ChannelServiceTest, StoresNormalizedProperties) {
  core::CreateChannelRequest request;
  request.name = "n";
  request.properties.roll_off = 2.5;
  request.properties.max_range = 500;
  const auto outcome = channels.create(request);
  const auto stored = channels.find(outcome.result->channel.id);
  ASSERT_TRUE(stored);
  EXPECT_DOUBLE_EQ(stored->properties.roll_off, 2.5);
  EXPECT_EQ(stored->properties.max_range, 160);
  EXPECT_EQ(outcome.adjustments.size(), 1u);
}

TEST_F(ChannelServiceTest, ChildrenNeedAnExistingDirectory) {
  EXPECT_EQ(create("child", 4242).error, ChannelError::ParentNotFound);
  const auto plain = create("plain");
  EXPECT_EQ(create("child", plain.result->channel.id).error, ChannelError::ParentNotFound);
  const auto dir = create("regionD", std::nullopt, "dir");
  ASSERT_TRUE(dir.result->channel.is_directory());
  const auto child = create("child", dir.result->channel.id);
  ASSERT_EQ(child.error, ChannelError::None);
  EXPECT_EQ(child.result->channel.parent, dir.result->channel.id);
  // Same name under another parent (or none) is another channel.
  EXPECT_NE(create("child").result->channel.id, child.result->channel.id);
}

TEST_F(ChannelServiceTest, SearchByNameAndByParent) {
  const auto dir = create("regionD", std::nullopt, "dir").result->channel.id;
  create("a", dir);
  create("b", dir);
  create("a");
  EXPECT_EQ(channels.search({.name = "a"}).size(), 2u);
  const auto children = channels.search({.parent = dir});
  ASSERT_EQ(children.size(), 2u);
  EXPECT_EQ(children[0].name, "a");
  EXPECT_EQ(children[1].name, "b");
  EXPECT_EQ(channels.search({.name = "a", .parent = dir}).size(), 1u);
  EXPECT_TRUE(channels.search({.name = "missing"}).empty());
  EXPECT_EQ(channels.search({.offset = 1, .limit = 2}).size(), 2u);
  EXPECT_EQ(channels.search({.limit = 100000}).size(), 4u);
}

TEST_F(ChannelServiceTest, DeleteRespectsParentsAndNonEmptyDirectories) {
  const auto dir = create("regionD", std::nullopt, "dir").result->channel.id;
  const auto child = create("a", dir).result->channel.id;
  EXPECT_EQ(channels.remove(dir, std::nullopt), ChannelError::DirectoryNotEmpty);
  EXPECT_EQ(channels.remove(child, 9999), ChannelError::NotFound);
  EXPECT_EQ(channels.remove(child, dir), ChannelError::None);
  EXPECT_EQ(channels.remove(child, dir), ChannelError::NotFound);
  EXPECT_EQ(channels.remove(dir, std::nullopt), ChannelError::None);
  EXPECT_FALSE(channels.find(dir));
}

TEST_F(ChannelServiceTest, RejectsUnusableNamesAndCutsLongDescriptions) {
  EXPECT_EQ(create("").error, ChannelError::InvalidName);
  EXPECT_EQ(create(std::string(257, 'n')).error, ChannelError::InvalidName);
  core::CreateChannelRequest request;
  request.name = "long";
  request.description = std::string(1023, 'a') + "é";  // the 2-byte 'é' straddles the limit
  const auto outcome = channels.create(request);
  EXPECT_EQ(outcome.result->channel.description, std::string(1023, 'a'));
}

TEST(TruncateUtf8, NeverSplitsACharacter) {
  EXPECT_EQ(core::truncate_utf8("aé", 2), "a");
  EXPECT_EQ(core::truncate_utf8("aé", 3), "aé");
  EXPECT_EQ(core::truncate_utf8("🎧", 3), "");
}
