// log-format = "json": one JSON object per line, whatever the message holds, redaction kept.
#include "app/json_log_format.hpp"

#include <gtest/gtest.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "app/log_redaction.hpp"

namespace {

struct JsonLogger {
  std::ostringstream out;
  std::shared_ptr<spdlog::logger> logger;
  JsonLogger() {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
    logger = std::make_shared<spdlog::logger>("webvoxd", sink);
    logger->set_formatter(std::make_unique<webvox::app::JsonLogFormatter>());
  }
  std::vector<std::string> lines() const {
    std::vector<std::string> result;
    std::istringstream in(out.str());
    for (std::string line; std::getline(in, line);) result.push_back(line);
    return result;
  }
};

}  // namespace

TEST(JsonLogFormat, EachLineIsOneObjectWithTimeLevelLoggerAndMessage) {
  JsonLogger log;
  log.logger->warn("hello \"quoted\"\nsecond line {}", 42);
  log.logger->info("plain");
  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), 2u);  // the line feed in the message is escaped, not a new line
  const auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["level"], "warning");
  EXPECT_EQ(first["logger"], "webvoxd");
  EXPECT_EQ(first["message"], "hello \"quoted\"\nsecond line 42");
  const std::string time = first["time"];
  // 2026-12-03T18:46:56.123Z
  ASSERT_EQ(time.size(), 24u) << time;
  EXPECT_EQ(time[10], 'T');
  EXPECT_EQ(time[19], '.');
  EXPECT_EQ(time.back(), 'Z');
  EXPECT_EQ(nlohmann::json::parse(lines[1])["level"], "info");
}

TEST(JsonLogFormat, BytesThatAreNotUtf8StillMakeAValidLine) {
  JsonLogger log;
  log.logger->error("bad \xff\xfe bytes");
  const auto lines = log.lines();
  ASSERT_EQ(lines.size(), 1u);
  const auto line = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(line["message"], "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes");
}

TEST(JsonLogFormat, RedactedTargetsStayRedacted) {
  JsonLogger log;
  log.logger->info("GET {}",
                   webvox::app::redact_target("/api2/viv_signin.php?userid=a&pwd=s3cr3t"));
  EXPECT_EQ(log.out.str().find("s3cr3t"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(log.lines()[0])["message"],
            "GET /api2/viv_signin.php?userid=***&pwd=***");
}
