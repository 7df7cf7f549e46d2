#include "core/avatar_account.hpp"

#include <gtest/gtest.h>

#include "core/account_service.hpp"
#include "base/uuid.hpp"

using namespace webvox::core;
using webvox::base::format_uuid;
using webvox::base::is_nil;
using webvox::base::parse_uuid;

namespace {
std::string account_for(std::string_view uuid_text) {
  const auto uuid = parse_uuid(uuid_text);
  EXPECT_TRUE(uuid.has_value()) << uuid_text;
  return uuid ? avatar_account_name(*uuid) : std::string();
}
}  // namespace

TEST(AvatarAccount, MatchesTheModulesNamesFromTheSpec) {
  // vivox-api.md §7, worked by hand from VivoxVoiceModule's "x" + Base64(GetBytes()).
  EXPECT_EQ(account_for("e669132a-6c43-4ee1-a78d-6c82fff59f32"), "x5mkTKmxDTuGnjWyC__WfMg==");
  EXPECT_EQ(account_for("fbefbeaa-1111-4222-8333-444455556666"), "x----qhERQiKDM0REVVVmZg==");
}

TEST(AvatarAccount, UpperCaseKeysNameTheSameAccount) {
  EXPECT_EQ(account_for("E669132A-6C43-4EE1-A78D-6C82FFF59F32"), "x5mkTKmxDTuGnjWyC__WfMg==");
}

TEST(AvatarAccount, IsAlwaysAValid25CharacterAccountName) {
  for (const char* uuid :
       {"00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "3e9b1c2a-0f4d-4a55-9d7e-1b2c3d4e5f60"}) {
    const auto name = account_for(uuid);
    EXPECT_EQ(name.size(), 25u) << uuid;
    EXPECT_TRUE(name.starts_with("x") && name.ends_with("==")) << name;
    EXPECT_EQ(name.find_first_of("+/"), std::string::npos) << name;
    EXPECT_TRUE(AccountService::is_valid_name(name)) << name;
  }
  // All ones: Base64 "/////..." must come out as underscores.
  EXPECT_EQ(account_for("ffffffff-ffff-ffff-ffff-ffffffffffff"), "x_____________________w==");
}

TEST(Uuid, ParsesOnlyTheHyphenatedForm) {
  const auto uuid = parse_uuid("e669132a-6c43-4ee1-a78d-6c82fff59f32");
  ASSERT_TRUE(uuid.has_value());
  EXPECT_EQ((*uuid)[0], 0xe6);
  EXPECT_EQ((*uuid)[15], 0x32);
  EXPECT_EQ(format_uuid(*uuid), "e669132a-6c43-4ee1-a78d-6c82fff59f32");
  EXPECT_EQ(format_uuid(*parse_uuid("E669132A-6C43-4EE1-A78D-6C82FFF59F32")),
            "e669132a-6c43-4ee1-a78d-6c82fff59f32");
  for (const char* bad :
       {"", "e669132a6c434ee1a78d6c82fff59f32", "{e669132a-6c43-4ee1-a78d-6c82fff59f32}",
        " e669132a-6c43-4ee1-a78d-6c82fff59f32", "e669132a-6c43-4ee1-a78d-6c82fff59f3g",
        "e669132a-6c43-4ee1-a78d+6c82fff59f32", "e669132a-6c43-4ee1-a78d-6c82fff59f321"}) {
    EXPECT_FALSE(parse_uuid(bad).has_value()) << bad;
  }
  EXPECT_TRUE(is_nil(*parse_uuid("00000000-0000-0000-0000-000000000000")));
  EXPECT_FALSE(is_nil(*uuid));
}

TEST(AvatarAccount, TheAvatarComesBackFromItsAccountName) {
  const auto uuid = webvox::base::parse_uuid("e669132a-6c43-4ee1-a78d-6c82fff59f32");
  ASSERT_TRUE(uuid);
  EXPECT_EQ(webvox::core::avatar_of_account("x5mkTKmxDTuGnjWyC__WfMg=="), uuid);
  EXPECT_FALSE(
      webvox::core::avatar_of_account("x5mkTKmxDTuGnjWyC//WfMg=="));  // not the module's alphabet
  EXPECT_FALSE(webvox::core::avatar_of_account("alice"));
  EXPECT_FALSE(webvox::core::avatar_of_account("y5mkTKmxDTuGnjWyC__WfMg=="));
  EXPECT_FALSE(webvox::core::avatar_of_account("x5mkTKmxDTuGnjWyC__WfM!=="));
}
