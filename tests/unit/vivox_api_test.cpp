// The Vivox API as the module sees it, in process: every answer is read with the module's
// own reader rules (support/module_reader.hpp).
#include <gtest/gtest.h>

#include "support/module_reader.hpp"
#include "support/vivox_stack.hpp"

using webvox::test_support::ModuleReader;
using webvox::test_support::VivoxStack;

namespace {

constexpr const char* kParcelOne = "9d2f6c1a-7e4b-4c3d-9a8b-1f2e3d4c5b6a";
constexpr const char* kRegion = "3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b";
constexpr const char* kAgentA = "x5mkTKmxDTuGnjWyC__WfMg==";

std::string create_url(const std::string& name, const std::string& token,
                       const std::string& extra =
                           "&chan_type=positional&chan_mode=open&chan_roll_off=2"
                           "&chan_dist_model=2&chan_max_range=60&chan_clamping_distance=10") {
  return "/api2/viv_chan_mod.php?mode=create&chan_name=" + name + "&auth_token=" + token +
         "&chan_desc=Test%20Region:Parcel%20One" + extra;
}

class VivoxApiTest : public ::testing::Test {
 protected:
  ModuleReader get(const std::string& target) {
    const auto response = stack.get(target);
    EXPECT_EQ(response.status, 200u);
    ModuleReader reader(response.body);
    EXPECT_TRUE(reader.parsed()) << response.body;
    return reader;
  }
  std::string code(const std::string& target) {
    return get(target).value("response.level0.body.code");
  }

  VivoxStack stack;
  std::string token = stack.sign_in();
};

}  // namespace

TEST_F(VivoxApiTest, SignInAnswersOkMixedCaseAndATokenPerSignIn) {
  const auto reader = get("/api2/viv_signin.php?userid=opensim-admin&pwd=s3cret-Pass");
  EXPECT_EQ(reader.value("response.level0.status"), "OK");
  EXPECT_EQ(reader.value("response.level0.body.status"), "Ok");
  EXPECT_NE(reader.value("response.level0.body.auth_token"), token);
}

TEST_F(VivoxApiTest, SignInFailureIsErr212WithoutOk) {
  const auto reader = get("/api2/viv_signin.php?userid=opensim-admin&pwd=wrong");
  EXPECT_EQ(reader.value("response.level0.status"), "ERR");
  EXPECT_EQ(reader.value("response.level0.body.status"), "Failed");
  EXPECT_EQ(reader.value("response.level0.body.code"), "212");
  EXPECT_FALSE(reader.find("response.level0.body.auth_token"));
}

TEST_F(VivoxApiTest, TokenErrorsUseTheCodesTheModuleSurvives) {
  EXPECT_EQ(code("/api2/viv_get_acct.php?auth_token=&user_name=x"), "202");
  EXPECT_EQ(code("/api2/viv_get_acct.php?user_name=x"), "202");
  EXPECT_EQ(code("/api2/viv_get_acct.php?auth_token=forged&user_name=x"), "212");
  const auto other = stack.sign_in();
  EXPECT_TRUE(get("/api2/viv_signout.php?auth_token=" + other).is_ok());
  EXPECT_EQ(code("/api2/viv_get_acct.php?auth_token=" + other + "&user_name=x"), "201");
  // Signing out one simulator's token leaves the others working.
  EXPECT_EQ(code("/api2/viv_get_acct.php?auth_token=" + token + "&user_name=x"), "403");
  // Signing out twice is harmless.
  EXPECT_TRUE(get("/api2/viv_signout.php?auth_token=" + other).is_ok());
}

TEST_F(VivoxApiTest, AccountProvisioningFlow) {
  const auto base = "&auth_token=" + token;
  EXPECT_EQ(code("/api2/viv_get_acct.php?auth_token=" + token + "&user_name=" + kAgentA), "403");
  EXPECT_TRUE(get(std::string("/api2/viv_adm_acct_new.php?username=") + kAgentA +
                  "&pwd=c0a8f3e1Z5b2dZ4a" + base)
                  .is_ok());
  EXPECT_TRUE(get(std::string("/api2/viv_adm_password.php?user_name=") + kAgentA +
                  "&new_pwd=c0a8f3e1Z5b2dZ4a" + base)
                  .is_ok());
  const auto found = get("/api2/viv_get_acct.php?auth_token=" + token + "&user_name=" + kAgentA);
  EXPECT_TRUE(found.is_ok());
  EXPECT_EQ(found.value("response.level0.body.user_name"), kAgentA);
  EXPECT_TRUE(get(std::string("/api2/viv_adm_password.php?user_name=") + kAgentA +
                  "&new_pwd=2e6f0a9cZ8d41Z4f" + base)
                  .is_ok());
  EXPECT_TRUE(stack.accounts.verify_password(kAgentA, "2e6f0a9cZ8d41Z4f"));
  EXPECT_FALSE(stack.accounts.verify_password(kAgentA, "c0a8f3e1Z5b2dZ4a"));
  // '+' in a password arrives and is stored literally.
  get(std::string("/api2/viv_adm_password.php?user_name=") + kAgentA + "&new_pwd=a+b" + base);
  EXPECT_TRUE(stack.accounts.verify_password(kAgentA, "a+b"));
}

TEST_F(VivoxApiTest, PasswordForAMissingAccountIs403) {
  EXPECT_EQ(code("/api2/viv_adm_password.php?user_name=xNobody&new_pwd=p&auth_token=" + token),
            "403");
}

TEST_F(VivoxApiTest, MissingParametersAre300) {
  EXPECT_EQ(code("/api2/viv_get_acct.php?auth_token=" + token), "300");
  EXPECT_EQ(code("/api2/viv_adm_acct_new.php?username=xA&auth_token=" + token), "300");
  EXPECT_EQ(code("/api2/viv_adm_password.php?user_name=xA&auth_token=" + token), "300");
  EXPECT_EQ(code("/api2/viv_chan_mod.php?auth_token=" + token), "300");
  EXPECT_EQ(code("/api2/viv_chan_mod.php?mode=create&auth_token=" + token), "300");
  EXPECT_EQ(code("/api2/viv_chan_mod.php?mode=delete&chan_id=&auth_token=" + token), "300");
  EXPECT_EQ(code("/api2/viv_nonexistent.php?auth_token=" + token), "300");
}

TEST_F(VivoxApiTest, CreateSearchAndReadLikeTheModule) {
  const auto created = get(create_url(kParcelOne, token));
  EXPECT_EQ(created.value("response.level0.body.chan_uri"), "sip:confctl-1001@voice.example.org");
  EXPECT_EQ(created.value("response.level0.body.chan_id"), "1001");

  const auto search = get(std::string("/api2/viv_chan_search.php?cond_channame=") + kParcelOne +
                          "&auth_token=" + token);
  EXPECT_TRUE(search.is_ok());
  EXPECT_EQ(search.value("response.level0.channel-search.count"), "1");
  const std::string item = "response.level0.channel-search.channels.channels.level4.";
  EXPECT_EQ(search.value(item + "id"), "1001");
  EXPECT_EQ(search.value(item + "name"), kParcelOne);
  EXPECT_EQ(search.value(item + "type"), "positional_M");
  ASSERT_TRUE(search.find(item + "parent"));
  EXPECT_EQ(search.value(item + "parent"), "");
  EXPECT_EQ(search.value(item + "uri"), "sip:confctl-1001@voice.example.org");

  // Idempotent: the same name gives the same channel.
  EXPECT_EQ(get(create_url(kParcelOne, token)).value("response.level0.body.chan_uri"),
            "sip:confctl-1001@voice.example.org");
}

TEST_F(VivoxApiTest, SearchMissIsCountZero) {
  const auto search = get("/api2/viv_chan_search.php?cond_channame=" + std::string(kRegion) +
                          "D&auth_token=" + token);
  EXPECT_TRUE(search.is_ok());
  EXPECT_EQ(search.value("response.level0.channel-search.count"), "0");
  EXPECT_EQ(search.count_leaves("response.level0.channel-search.channels.channels.level4.id"), 0);
}

TEST_F(VivoxApiTest, EveryListItemCarriesEveryFieldSoIndicesLineUp) {
  const auto dir = get("/api2/viv_chan_mod.php?mode=create&chan_name=" + std::string(kRegion) +
                       "D&auth_token=" + token + "&chan_desc=Test%20Region&chan_type=dir")
                       .value("response.level0.body.chan_id");
  for (const char* name : {"a", "b", "c"}) {
    get("/api2/viv_chan_mod.php?mode=create&chan_name=" + std::string(name) +
        "&auth_token=" + token + "&chan_parent=" + dir + "&chan_type=channel");
  }
  const auto list =
      get("/api2/viv_chan_search.php?&cond_chanparent=" + dir + "&auth_token=" + token);
  EXPECT_EQ(list.value("response.level0.channel-search.count"), "3");
  const std::string item = "response.level0.channel-search.channels.channels.level4.";
  for (const char* field : {"id", "name", "type", "parent", "uri"}) {
    EXPECT_EQ(list.count_leaves(item + field), 3) << field;
  }
  EXPECT_EQ(list.value(item + "name", 2), "c");
  EXPECT_EQ(list.value(item + "type", 1), "channel");
  EXPECT_EQ(list.value(item + "parent", 0), dir);
}

TEST_F(VivoxApiTest, DirectoryCreateAnswersChanIdWithoutUri) {
  const auto dir = get("/api2/viv_chan_mod.php?mode=create&chan_name=" + std::string(kRegion) +
                       "D&auth_token=" + token + "&chan_desc=Test%20Region&chan_type=dir");
  EXPECT_TRUE(dir.is_ok());
  EXPECT_FALSE(dir.value("response.level0.body.chan_id").empty());
  EXPECT_FALSE(dir.find("response.level0.body.chan_uri"));
  const auto search = get("/api2/viv_chan_search.php?cond_channame=" + std::string(kRegion) +
                          "D&auth_token=" + token);
  EXPECT_EQ(search.value("response.level0.channel-search.channels.channels.level4.type"), "dir");
}

TEST_F(VivoxApiTest, ErrorsNeverCarryAChannelUri) {
  for (const auto& target :
       {std::string("/api2/viv_chan_mod.php?mode=create&chan_name=n&auth_token=bad"),
        "/api2/viv_chan_mod.php?mode=create&chan_name=n&auth_token=" + token + "&chan_parent=77",
        "/api2/viv_chan_mod.php?mode=create&chan_name=n&auth_token=" + token + "&chan_parent=x"}) {
    const auto reader = get(target);
    EXPECT_EQ(reader.value("response.level0.status"), "ERR") << target;
    EXPECT_FALSE(reader.find("response.level0.body.chan_uri")) << target;
  }
}

TEST_F(VivoxApiTest, QueryCutByHashStillCreatesWithDefaults) {
  const auto created =
      get("/api2/viv_chan_mod.php?mode=create&chan_name=bob-parcel&auth_token=" + token +
          "&chan_desc=Test%20Region:Bob%20&%20Alice%20#2&chan_type=channel");
  EXPECT_FALSE(created.value("response.level0.body.chan_uri").empty());
  const auto channel =
      stack.channels.find(std::stoll(created.value("response.level0.body.chan_id")));
  ASSERT_TRUE(channel);
  EXPECT_EQ(channel->description, "Test Region:Bob ");
  EXPECT_EQ(channel->properties, webvox::core::ChannelProperties{});
}

TEST_F(VivoxApiTest, RollOffWithDecimalComma) {
  const auto created =
      get(create_url("comma", token,
                     "&chan_type=positional&chan_mode=lecture&chan_roll_off=2,5"
                     "&chan_dist_model=1&chan_max_range=80&chan_clamping_distance=5"));
  const auto channel =
      stack.channels.find(std::stoll(created.value("response.level0.body.chan_id")));
  ASSERT_TRUE(channel);
  EXPECT_DOUBLE_EQ(channel->properties.roll_off, 2.5);
  EXPECT_EQ(channel->properties.mode, webvox::core::ChannelMode::Lecture);
  EXPECT_EQ(channel->properties.distance_model, webvox::core::DistanceModel::Inverse);
  EXPECT_EQ(channel->properties.max_range, 80);
  EXPECT_EQ(channel->properties.clamping_distance, 5);
}

TEST_F(VivoxApiTest, OddPropertiesAreClampedNotRefused) {
  const auto created =
      get(create_url("odd", token,
                     "&chan_type=positional&chan_mode=open&chan_roll_off=abc"
                     "&chan_dist_model=9&chan_max_range=500&chan_clamping_distance=-3"));
  ASSERT_FALSE(created.value("response.level0.body.chan_uri").empty());
  const auto channel =
      stack.channels.find(std::stoll(created.value("response.level0.body.chan_id")));
  EXPECT_DOUBLE_EQ(channel->properties.roll_off, 2.0);
  EXPECT_EQ(channel->properties.distance_model, webvox::core::DistanceModel::Linear);
  EXPECT_EQ(channel->properties.max_range, 160);
  EXPECT_EQ(channel->properties.clamping_distance, 0);
}

TEST_F(VivoxApiTest, NonPositionalChannelsAreReportedAsChannel) {
  get(create_url("flat", token, "&chan_type=channel"));
  const auto search = get("/api2/viv_chan_search.php?cond_channame=flat&auth_token=" + token);
  EXPECT_EQ(search.value("response.level0.channel-search.channels.channels.level4.type"),
            "channel");
}

TEST_F(VivoxApiTest, DeleteAnswersAndRemoves) {
  get(create_url(kParcelOne, token));
  EXPECT_TRUE(get("/api2/viv_chan_mod.php?mode=delete&chan_id=1001&auth_token=" + token).is_ok());
  EXPECT_EQ(code("/api2/viv_chan_mod.php?mode=delete&chan_id=1001&auth_token=" + token), "404");
  EXPECT_EQ(code("/api2/viv_chan_mod.php?mode=delete&chan_id=abc&auth_token=" + token), "400");
  EXPECT_EQ(code("/api2/viv_chan_mod.php?mode=frobnicate&auth_token=" + token), "400");
}

TEST_F(VivoxApiTest, TextFromRequestsIsMadeXmlSafe) {
  get("/api2/viv_chan_mod.php?mode=create&chan_name=bad%FF%01name&auth_token=" + token);
  const auto search =
      get("/api2/viv_chan_search.php?cond_channame=bad%FF%01name&auth_token=" + token);
  EXPECT_EQ(search.value("response.level0.channel-search.count"), "1");
  EXPECT_EQ(search.value("response.level0.channel-search.channels.channels.level4.name"),
            "bad\xEF\xBF\xBDname");
}

// An offset of 2^63 or more used to wrap to a negative SQL OFFSET, which SQLite reads as 0:
// the search answered the first page instead of an empty one.
TEST_F(VivoxApiTest, PageOffsetBeyondSigned64BitsAnswersAnEmptyPage) {
  for (const auto* name : {"a", "b", "c"}) ASSERT_EQ(code(create_url(name, token)), "");
  const auto all = get("/api2/viv_chan_search.php?auth_token=" + token);
  ASSERT_EQ(all.value("response.level0.channel-search.count"), "3");
  for (const auto* offset : {"9223372036854775807", "9223372036854775808", "9223372036854775809",
                             "18446744073709551615"}) {
    const auto page = get("/api2/viv_chan_search.php?page_offset=" + std::string(offset) +
                          "&auth_token=" + token);
    EXPECT_TRUE(page.is_ok()) << offset;
    EXPECT_EQ(page.value("response.level0.channel-search.count"), "0") << offset;
    const auto by_name =
        get("/api2/viv_chan_search.php?cond_channame=a&page_offset=" + std::string(offset) +
            "&auth_token=" + token);
    EXPECT_EQ(by_name.value("response.level0.channel-search.count"), "0") << offset;
  }
  // 2^64 is no count at all: the parameter is invalid.
  EXPECT_EQ(code("/api2/viv_chan_search.php?page_offset=18446744073709551616&auth_token=" + token),
            "400");
}

// viv_signin through the credential throttle (core::CredentialThrottle has the rules' own
// tests): a guessing address is refused unchecked in the Vivox error form the module reads,
// while a simulator signing in from its own address is not held back.
class VivoxSignInThrottleTest : public VivoxApiTest {
 protected:
  ModuleReader sign_in_from(const std::string& source, const std::string& password,
                            std::chrono::seconds at = {}) {
    webvox::vivox::VivoxRequest request;
    request.script = "viv_signin.php";
    request.parameters = webvox::base::parse_query("userid=opensim-admin&pwd=" + password);
    request.source = source;
    request.received = webvox::core::MonotonicTime{} + std::chrono::hours(1) + at;
    return ModuleReader(stack.api.handle(request));
  }
};

TEST_F(VivoxSignInThrottleTest, GuessingAddressGetsCode429WithRetryAfterAndSimulatorsStillSignIn) {
  for (int i = 0; i < 6; ++i) {
    const auto refused = sign_in_from("203.0.113.9", "guess" + std::to_string(i));
    EXPECT_EQ(refused.value("response.level0.body.code"), "212") << i;
    EXPECT_EQ(refused.value("response.level0.body.status"), "Failed");
  }
  // The 6th failure blocked the address for 1 s: the right password is not even checked.
  const auto throttled = sign_in_from("203.0.113.9", "s3cret-Pass");
  EXPECT_EQ(throttled.value("response.level0.status"), "ERR");
  EXPECT_EQ(throttled.value("response.level0.body.status"), "Failed");
  EXPECT_EQ(throttled.value("response.level0.body.code"), "429");
  EXPECT_EQ(throttled.value("response.level0.body.retry_after"), "1");
  EXPECT_EQ(throttled.value("response.level0.body.auth_token"), "");
  // A simulator at another address signs in.
  const auto simulator = sign_in_from("198.51.100.7", "s3cret-Pass");
  EXPECT_EQ(simulator.value("response.level0.body.status"), "Ok");
  EXPECT_NE(simulator.value("response.level0.body.auth_token"), "");
  // Once the block has passed, the guessing address is checked again.
  EXPECT_EQ(sign_in_from("203.0.113.9", "s3cret-Pass", std::chrono::seconds(1))
                .value("response.level0.body.status"),
            "Ok");
}
