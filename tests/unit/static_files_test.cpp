#include "app/static_files.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <unistd.h>

using webvox::app::StaticFiles;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ =
        std::filesystem::temp_directory_path() / ("webvox-static-" + std::to_string(::getpid()));
    std::filesystem::create_directories(base_ / "web" / "sub");
    std::ofstream(base_ / "web" / "index.html") << "<!doctype html>";
    std::ofstream(base_ / "web" / "app.js") << "export {}";
    std::ofstream(base_ / "web" / ".secret") << "no";
    std::ofstream(base_ / "outside.txt") << "no";
    std::filesystem::create_symlink(base_ / "outside.txt", base_ / "web" / "link.txt");
  }
  void TearDown() override { std::filesystem::remove_all(base_); }

  std::optional<webvox::http::Response> get(const std::string& target,
                                            const std::string& method = "GET") {
    webvox::http::Request request;
    request.method = method;
    request.target = target;
    return StaticFiles(base_ / "web").serve(request);
  }

  std::filesystem::path base_;
};

TEST_F(StaticFilesTest, ServesFilesWithTypes) {
  const auto index = get("/?token=abc");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->body, "<!doctype html>");
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(get("/app.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(get("/app.js", "HEAD")->body, "");
}

TEST_F(StaticFilesTest, NeverLeavesTheRoot) {
  for (const char* target : {"/../outside.txt", "/sub/../../outside.txt", "/.secret", "/link.txt",
                             "/%2e%2e/outside.txt", "/missing.js", "/sub", "relative"}) {
    EXPECT_FALSE(get(target)) << target;
  }
  EXPECT_FALSE(get("/app.js", "POST"));
}
