#include "vivox/xml_text.hpp"

#include <gtest/gtest.h>

using webvox::vivox::xml_safe_text;

TEST(XmlText, KeepsValidUtf8) { EXPECT_EQ(xml_safe_text("Café Zoë 日本 🎧"), "Café Zoë 日本 🎧"); }

TEST(XmlText, ReplacesInvalidBytes) {
  EXPECT_EQ(xml_safe_text("a\xff"
                          "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(xml_safe_text("\xC3"), "\xEF\xBF\xBD");                  // truncated sequence
  EXPECT_EQ(xml_safe_text("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  EXPECT_EQ(xml_safe_text("\xED\xA0\x80"), "");                      // surrogate: dropped
}

TEST(XmlText, DropsControlCharactersXmlForbids) {
  EXPECT_EQ(xml_safe_text(std::string("a\0b\x01\x1f\tc\n", 8)), "ab\tc\n");
}
