#include "app/web_root.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace {

namespace fs = std::filesystem;
using webvox::app::default_web_root;

class WebRootTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("webvox-web-root-" + std::to_string(::getpid()));
    fs::create_directories(base_ / "bin");
    fs::create_directories(base_ / "share" / "webvox" / "web");
  }
  void TearDown() override { fs::remove_all(base_); }
  void install_client() { std::ofstream(base_ / "share" / "webvox" / "web" / "index.html") << "x"; }

  fs::path base_;
  const fs::path built_in_ = "/src/webvox/web";
};

TEST_F(WebRootTest, AnInstalledBinaryServesTheClientInstalledBesideIt) {
  install_client();
  EXPECT_EQ(default_web_root(base_ / "bin" / "webvoxd", built_in_),
            base_ / "share" / "webvox" / "web");
}

TEST_F(WebRootTest, WithoutAnInstalledClientTheBuildsFolderIsUsed) {
  // The folder is there but holds no client: not an installation.
  EXPECT_EQ(default_web_root(base_ / "bin" / "webvoxd", built_in_), built_in_);
}

TEST_F(WebRootTest, ABinaryOutsideABinFolderIsABuildTreesOne) {
  install_client();
  fs::create_directories(base_ / "build");
  EXPECT_EQ(default_web_root(base_ / "build" / "webvoxd", built_in_), built_in_);
  EXPECT_EQ(default_web_root({}, built_in_), built_in_);
}

TEST(RunningExecutable, IsThisTestBinary) {
  EXPECT_EQ(webvox::app::running_executable().filename(), "webvox_app_tests");
}

}  // namespace
