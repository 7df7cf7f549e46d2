#include "signalling/server_message.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace webvox::signalling {
namespace {

using nlohmann::json;

TEST(ServerMessage, AnswersAnSfuOfferWithItsId) {
  EXPECT_EQ(json::parse(sfu_answer_message(json(7), "v=0\r\n")),
            (json{{"type", "sfu-answer"}, {"sdp", "v=0\r\n"}, {"id", 7}}));
  // An offer without an id gets an answer without one.
  EXPECT_EQ(json::parse(sfu_answer_message(json(), "v=0\r\n")),
            (json{{"type", "sfu-answer"}, {"sdp", "v=0\r\n"}}));
  EXPECT_EQ(sfu_answer_message(json("a"), "v=0"), R"({"id":"a","sdp":"v=0","type":"sfu-answer"})");
}

TEST(ServerMessage, SlotsListEverySlotSilentOnesAsNull) {
  const std::vector<ReceiveSlot> slots = {{"1", "Qp0sX1"}, {"2", std::nullopt}};
  EXPECT_EQ(
      slots_message(slots),
      R"({"slots":[{"member":"Qp0sX1","mid":"1"},{"member":null,"mid":"2"}],"type":"slots"})");
  EXPECT_EQ(json::parse(slots_message({}))["slots"], json::array());
}

TEST(ServerMessage, ErrorsCarryTheRequestsIdWhenItHadOne) {
  EXPECT_EQ(
      json::parse(error_message(json(3), "bad_offer", "no fingerprint")),
      (json{{"type", "error"}, {"code", "bad_offer"}, {"message", "no fingerprint"}, {"id", 3}}));
  EXPECT_FALSE(json::parse(error_message(json(), "bad_offer", "x")).contains("id"));
  EXPECT_EQ(
      json::parse(error_message(json(), "busy", "later", std::chrono::seconds(5)))["retryAfter"],
      5);
}

TEST(ServerMessage, InvalidUtf8IsReplacedNotThrown) {
  const std::vector<ReceiveSlot> slots = {{"1", std::string("\xff", 1)}};
  std::string text;
  EXPECT_NO_THROW(text = slots_message(slots));
  EXPECT_TRUE(json::accept(text));
}

}  // namespace
}  // namespace webvox::signalling
