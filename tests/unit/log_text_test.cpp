// base::log_text: what request bytes look like in a log line; base::LogBudget: how many.
#include "base/log_text.hpp"

#include <gtest/gtest.h>

#include "base/log_budget.hpp"

using webvox::base::log_text;
using webvox::base::log_withheld;

TEST(LogText, QuotesPlainTextAndKeepsUtf8) {
  EXPECT_EQ(log_text("opensim-admin"), "\"opensim-admin\"");
  EXPECT_EQ(log_text("Café Zoë 日本 🎧"), "\"Café Zoë 日本 🎧\"");
  EXPECT_EQ(log_text(""), "\"\"");
}

// The probe's forgeries: a %0A in a userid or channel name decodes to a newline that started
// a whole new, official-looking log line.
TEST(LogText, NewlinesCannotStartALine) {
  const auto forged = log_text("x\n[2026-12-03 08:00:00.000] [info] admin 'opensim' signed in");
  EXPECT_EQ(forged.find('\n'), std::string::npos);
  EXPECT_EQ(forged, "\"x\\n[2026-12-03 08:00:00.000] [info] admin 'opensim' signed in\"");
  EXPECT_EQ(log_text("a\r\nb\tc"), "\"a\\r\\nb\\tc\"");
}

TEST(LogText, ControlsEscapeAndNulBecomeVisible) {
  EXPECT_EQ(log_text(std::string("a\0b", 3)), "\"a\\x00b\"");
  EXPECT_EQ(log_text("\x1b[2J\x1b]0;pwned\x07"), "\"\\x1b[2J\\x1b]0;pwned\\x07\"");
  EXPECT_EQ(log_text("\x7f"), "\"\\x7f\"");
}

TEST(LogText, QuotesAndBackslashesCannotEndTheValue) {
  EXPECT_EQ(log_text("a\" b"), "\"a\\\" b\"");
  EXPECT_EQ(log_text("a\\"), "\"a\\\\\"");
}

TEST(LogText, BytesThatAreNotUtf8AreEscaped) {
  EXPECT_EQ(log_text("a\xff"), "\"a\\xff\"");
  EXPECT_EQ(log_text("\xc3"), "\"\\xc3\"");                             // truncated
  EXPECT_EQ(log_text("\xc0\xaf"), "\"\\xc0\\xaf\"");                    // overlong '/'
  EXPECT_EQ(log_text("\xed\xa0\x80"), "\"\\xed\\xa0\\x80\"");           // a surrogate
  EXPECT_EQ(log_text("\xf4\x90\x80\x80"), "\"\\xf4\\x90\\x80\\x80\"");  // beyond U+10FFFF
}

TEST(LogText, InvisibleAndReorderingCodePointsAreEscaped) {
  EXPECT_EQ(log_text("\xc2\x85"), "\"\\u{0085}\"");  // NEL, a C1 control
  EXPECT_EQ(log_text("a\xe2\x80\xa8"
                     "b"),
            "\"a\\u{2028}b\"");  // line separator
  EXPECT_EQ(log_text("\xe2\x80\xae"
                     "evil"),
            "\"\\u{202e}evil\"");                             // right-to-left override
  EXPECT_EQ(log_text("\xe2\x81\xa6"), "\"\\u{2066}\"");       // isolate
  EXPECT_EQ(log_text("\xe2\x80\x8b"), "\"\\u{200b}\"");       // zero-width space
  EXPECT_EQ(log_text("\xef\xbb\xbf"), "\"\\u{feff}\"");       // byte-order mark
  EXPECT_EQ(log_text("\xf3\xa0\x80\x81"), "\"\\u{e0001}\"");  // tag character
}

TEST(LogText, LongTextIsCutAtACharacterBoundaryAndSaysHowMuchIsLeft) {
  EXPECT_EQ(log_text(std::string(200, 'a'), 10), "\"aaaaaaaaaa\"...(+190 bytes)");
  // "é" is two bytes: cutting at 3 bytes keeps "aé" whole, not half a character.
  EXPECT_EQ(log_text("a\xc3\xa9\xc3\xa9", 4), "\"a\xc3\xa9\"...(+2 bytes)");
  EXPECT_EQ(log_text(std::string(1'000'000, '\n')).size(),
            2 + 2 * webvox::base::kLogTextMaxBytes + std::string("...(+999840 bytes)").size());
}

TEST(LogText, WithheldTextShowsOnlyItsLength) {
  EXPECT_EQ(log_withheld("hunter2"), "(7 bytes, not shown)");
}

// A flood of refused sign-ins costs the log a few lines a second; the next line that passes
// says how many were left out.
TEST(LogBudget, LetsABurstThroughThenCountsWhatItLeavesOut) {
  webvox::base::LogBudget budget(2, 3);
  const auto at = [](double s) {
    return std::chrono::steady_clock::time_point{} + std::chrono::hours(1) +
           std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(s));
  };
  for (int i = 0; i < 3; ++i) EXPECT_EQ(budget.take(at(0)), std::optional<std::size_t>(0));
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(budget.take(at(0.1)));
  EXPECT_EQ(budget.take(at(0.6)), std::optional<std::size_t>(100));
  EXPECT_EQ(webvox::base::left_out_note(100), " (100 similar lines left out)");
  EXPECT_EQ(webvox::base::left_out_note(0), "");
}
