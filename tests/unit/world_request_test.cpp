#include "world/world_request.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "world/secondlife_headers.hpp"

using namespace webvox::world;

namespace {

const PositionReport& report_of(const ParsedWorldRequest<PositionReport>& parsed) {
  static const PositionReport kNone{};
  if (!parsed.content) {
    ADD_FAILURE() << "refused: " << parsed.content.error().reason;
    return kNone;
  }
  return *parsed.content;
}

std::string reason_of(const auto& parsed) {
  if (!parsed.content) return parsed.content.error().reason;
  ADD_FAILURE() << "accepted";
  return {};
}

}  // namespace

// What webvox-hud.lsl sends: llEscapeURL of LSL's (string)vector and (string)rotation.
TEST(WorldRequest, ReadsTheHudsPositionBody) {
  const auto parsed = parse_position_report(
      "secret=s3cret%2Dvalue&pos=%3C128%2E50000%2C%2064%2E00000%2C%2022%2E10000%3E"
      "&rot=%3C0%2E00000%2C%200%2E00000%2C%200%2E70711%2C%200%2E70711%3E");
  EXPECT_EQ(parsed.secret, "s3cret-value");
  const auto& position = report_of(parsed).position;
  EXPECT_DOUBLE_EQ(position.x, 128.5);
  EXPECT_DOUBLE_EQ(position.y, 64.0);
  EXPECT_DOUBLE_EQ(position.z, 22.1);
  EXPECT_NEAR(position.yaw, std::numbers::pi / 2, 1e-4);  // facing north
}

TEST(WorldRequest, TakesAYawInsteadOfARotationOrNeither) {
  const auto with_yaw = parse_position_report("secret=s&pos=<10,20,30>&yaw=-1.25");
  EXPECT_DOUBLE_EQ(report_of(with_yaw).position.yaw, -1.25);
  EXPECT_DOUBLE_EQ(report_of(with_yaw).position.x, 10);
  const auto bare = parse_position_report("pos=<1, 2, 3>&secret=s");
  EXPECT_DOUBLE_EQ(report_of(bare).position.yaw, 0);
  // '+' is a space in a form body, as llEscapeURL never writes it but browsers do.
  EXPECT_DOUBLE_EQ(report_of(parse_position_report("secret=s&pos=<1,+2,+3>")).position.z, 3);
  // Unknown fields are left for later versions of the HUD.
  EXPECT_DOUBLE_EQ(report_of(parse_position_report("secret=s&pos=<1,2,3>&v=2")).position.y, 2);
}

TEST(WorldRequest, RefusesBadPositionsWithAReason) {
  EXPECT_NE(reason_of(parse_position_report("secret=s")).find("'pos' is missing"),
            std::string::npos);
  for (const char* body :
       {"secret=s&pos=1,2,3", "secret=s&pos=<1,2>", "secret=s&pos=<1,2,3,4>", "secret=s&pos=<1,,3>",
        "secret=s&pos=<1,2,x>", "secret=s&pos=<nan,2,3>", "secret=s&pos=<inf,2,3>",
        "secret=s&pos=<1e400,2,3>", "secret=s&pos=<1,2,3"}) {
    EXPECT_NE(reason_of(parse_position_report(body)).find("'pos'"), std::string::npos) << body;
  }
  EXPECT_NE(reason_of(parse_position_report("secret=s&pos=<9000,2,3>")).find("'pos'"),
            std::string::npos);  // outside the largest region
  EXPECT_NE(reason_of(parse_position_report("secret=s&pos=<1,2,3>&rot=<0,0,0,0>")).find("'rot'"),
            std::string::npos);
  EXPECT_NE(reason_of(parse_position_report("secret=s&pos=<1,2,3>&rot=<0,0,1>")).find("'rot'"),
            std::string::npos);
  EXPECT_NE(reason_of(parse_position_report("secret=s&pos=<1,2,3>&yaw=north")).find("'yaw'"),
            std::string::npos);
  EXPECT_NE(
      reason_of(parse_position_report("secret=s&pos=<1,2,3>&yaw=1&rot=<0,0,0,1>")).find("not both"),
      std::string::npos);
  EXPECT_NE(reason_of(parse_position_report("secret=s&pos=<1,2,3>&pos=<4,5,6>")).find("twice"),
            std::string::npos);
}

TEST(WorldRequest, TheSecretIsReadApartFromTheOtherFields) {
  // A malformed body still yields its secret, so the caller can refuse a wrong one first.
  const auto parsed = parse_position_report("secret=abc&pos=garbage");
  EXPECT_EQ(parsed.secret, "abc");
  EXPECT_FALSE(parsed.content.has_value());
  EXPECT_FALSE(parse_position_report("pos=<1,2,3>").secret.has_value());
  EXPECT_FALSE(parse_position_report("secret=&pos=<1,2,3>").secret.has_value());
  EXPECT_FALSE(parse_position_report("secret=a&secret=b&pos=<1,2,3>").secret.has_value());
  EXPECT_FALSE(parse_position_report("secret=" + std::string(300, 'a')).secret.has_value());
  const auto huge = parse_position_report("secret=s&pos=<1,2,3>&pad=" + std::string(5000, 'a'));
  EXPECT_FALSE(huge.secret.has_value());
  EXPECT_NE(reason_of(huge).find("over 4096 bytes"), std::string::npos);
}

TEST(WorldRequest, ReadsTheHudsLinkBody) {
  const auto parsed =
      parse_link_request("secret=s&parcel=6B2A8F57-2E1C-4B0B-9F35-0123456789AB&estate_voice=0");
  EXPECT_EQ(parsed.secret, "s");
  ASSERT_TRUE(parsed.content.has_value()) << reason_of(parsed);
  const auto& link = *parsed.content;
  EXPECT_EQ(link.parcel_id, "6b2a8f57-2e1c-4b0b-9f35-0123456789ab");  // as OpenSim names it
  EXPECT_FALSE(link.estate_voice);
  EXPECT_FALSE(link.region_id.has_value());

  const auto estate = parse_link_request(
      "secret=s&parcel=6b2a8f57-2e1c-4b0b-9f35-0123456789ab&estate_voice=1"
      "&region=11111111-2222-3333-4444-555555555555");
  ASSERT_TRUE(estate.content.has_value()) << reason_of(estate);
  EXPECT_TRUE(estate.content->estate_voice);
  EXPECT_EQ(estate.content->region_id, "11111111-2222-3333-4444-555555555555");
}

TEST(WorldRequest, RefusesBadLinksWithAReason) {
  EXPECT_NE(reason_of(parse_link_request("secret=s")).find("'parcel' is missing"),
            std::string::npos);
  EXPECT_NE(reason_of(parse_link_request("secret=s&parcel=nope")).find("not a UUID"),
            std::string::npos);
  EXPECT_NE(reason_of(parse_link_request("secret=s&parcel=00000000-0000-0000-0000-000000000000"))
                .find("null key"),
            std::string::npos);
  EXPECT_NE(reason_of(parse_link_request(
                          "secret=s&parcel=6b2a8f57-2e1c-4b0b-9f35-0123456789ab&estate_voice=yes"))
                .find("0 or 1"),
            std::string::npos);
  EXPECT_NE(
      reason_of(parse_link_request("secret=s&parcel=6b2a8f57-2e1c-4b0b-9f35-0123456789ab&region=r"))
          .find("'region'"),
      std::string::npos);
}

TEST(LslTuple, ParsesWhatLslsCastsWrite) {
  const auto v = parse_lsl_tuple("<1.00000, -2.50000, 3e2>", 3);
  ASSERT_TRUE(v.has_value());
  EXPECT_DOUBLE_EQ((*v)[0], 1);
  EXPECT_DOUBLE_EQ((*v)[1], -2.5);
  EXPECT_DOUBLE_EQ((*v)[2], 300);
  EXPECT_TRUE(parse_lsl_tuple(" <0,0,0,1> ", 4).has_value());
  for (const char* bad : {"", "<>", "<1,2,3", "1,2,3>", "<1,2,3,>", "<,1,2>", "<1 2 3>", "<1,2,3>x",
                          "<0x10,2,3>", "<+1,2,3>"}) {
    EXPECT_FALSE(parse_lsl_tuple(bad, 3).has_value()) << bad;
  }
  EXPECT_FALSE(parse_lsl_tuple("<1,2,3>", 0).has_value());
  EXPECT_FALSE(parse_lsl_tuple("<1,2,3,4,5>", 5).has_value());
}

TEST(SecondLifeHeaders, RegionNameComesBeforeTheCorner) {
  EXPECT_EQ(region_name_of("Wright Plaza (256000, 256000)"), "Wright Plaza");
  EXPECT_EQ(region_name_of("Odd (Name) (0, 512)"), "Odd (Name)");
  for (const char* bad : {"", "Plaza", "Plaza (1, 2", "(1, 2)", "Plaza (a, 2)", "Plaza (1,2)"}) {
    EXPECT_FALSE(region_name_of(bad).has_value()) << bad;
  }
}
