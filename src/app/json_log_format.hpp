#pragma once

#include <spdlog/formatter.h>

#include <memory>

namespace webvox::app {

// log-format = "json": each log line one JSON object, for a log shipper that reads JSON:
//   {"time":"2026-12-03T18:46:56.123Z","level":"warn","logger":"webvoxd","message":"…"}
// The time is UTC with milliseconds. The message is the one the text format shows, so what
// the callers redact (tokens and secrets in paths, refused user names) stays redacted; bytes
// that are not UTF-8 become U+FFFD, so every line parses.
class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

}  // namespace webvox::app
