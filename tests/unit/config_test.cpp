#include "config/config.hpp"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <unistd.h>

#include "config/config_sources.hpp"

using namespace webvox::config;

namespace {

struct Fixture {
  std::map<std::string, std::string> env;
  std::map<std::string, std::string> flags;
  std::string file;

  Config resolve() {
    return resolve_config(file, flags,
                          [this](const std::string& name) -> std::optional<std::string> {
                            const auto it = env.find(name);
                            if (it == env.end()) return std::nullopt;
                            return it->second;
                          });
  }
};

std::string write_toml(const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("webvox-config-" + std::to_string(::getpid()) + "-" +
                     ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".toml");
  std::ofstream(path) << text;
  return path.string();
}

}  // namespace

TEST(Config, Defaults) {
  Fixture f;
  const auto config = f.resolve();
  EXPECT_EQ(config.listen_host, "127.0.0.1");
  EXPECT_EQ(config.listen_port, 8443);
  EXPECT_EQ(config.data_dir, "data");
  EXPECT_FALSE(config.admin_password);
  EXPECT_FALSE(config.tls_cert);
}

TEST(Config, FlagsBeatEnvironmentWhichBeatsTheFile) {
  Fixture f;
  f.file = write_toml(
      "realm = \"file.example\"\nlisten = \"127.0.0.1:1000\"\nthreads = 3\n"
      "admin-user = \"file-admin\"\n");
  f.env["WEBVOX_REALM"] = "env.example";
  f.env["WEBVOX_LISTEN"] = "127.0.0.1:2000";
  f.flags["realm"] = "flag.example";
  const auto config = f.resolve();
  EXPECT_EQ(config.realm, "flag.example");
  EXPECT_EQ(config.listen_port, 2000);
  EXPECT_EQ(config.threads, 3u);
  EXPECT_EQ(config.admin_user, "file-admin");
}

TEST(Config, ConfigFileFromEnvironment) {
  Fixture f;
  f.env["WEBVOX_CONFIG"] = write_toml("data-dir = \"/var/lib/webvox\"\n");
  EXPECT_EQ(f.resolve().data_dir, "/var/lib/webvox");
}

TEST(Config, UnknownKeysAndBadValuesAreErrors) {
  Fixture f;
  f.file = write_toml("listen = \"127.0.0.1:8443\"\nlisten_port = 5\n");
  EXPECT_THROW(f.resolve(), ConfigError);
  f.file = write_toml("threads = true\n");
  EXPECT_THROW(f.resolve(), ConfigError);
  f.file = write_toml("this is not toml");
  EXPECT_THROW(f.resolve(), ConfigError);
  f.file = "/nonexistent/webvox.toml";
  EXPECT_THROW(f.resolve(), ConfigError);
}

TEST(Config, ListenAddresses) {
  Config config;
  parse_listen("0.0.0.0:443", config);
  EXPECT_EQ(config.listen_host, "0.0.0.0");
  EXPECT_EQ(config.listen_port, 443);
  parse_listen("[::1]:8443", config);
  EXPECT_EQ(config.listen_host, "::1");
  parse_listen("localhost:0", config);
  EXPECT_EQ(config.listen_host, "127.0.0.1");
  EXPECT_EQ(config.listen_port, 0);
  for (const char* bad : {"8443", ":8443", "127.0.0.1:70000", "127.0.0.1:", "127.0.0.1:x",
                          "::1:8443", "127.0.0.1:-1"}) {
    EXPECT_THROW(parse_listen(bad, config), ConfigError) << bad;
  }
}

TEST(Config, OtherValidation) {
  Fixture f;
  f.flags["tls-cert"] = "/etc/cert.pem";
  EXPECT_THROW(f.resolve(), ConfigError);
  f.flags["tls-key"] = "/etc/key.pem";
  EXPECT_NO_THROW(f.resolve());
  for (const auto& [name, value] : std::map<std::string, std::string>{
           {"log-level", "loud"}, {"threads", "0"}, {"realm", "a@b"}, {"admin-user", ""}}) {
    Fixture g;
    g.flags[name] = value;
    EXPECT_THROW(g.resolve(), ConfigError) << name;
  }
}

TEST(Config, CommandLineFlagsHaveTheSettingNames) {
  CLI::App app;
  std::map<std::string, std::string> flags;
  std::string file;
  add_config_options(app, flags, file);
  const char* argv[] = {"webvoxd", "--listen", "127.0.0.1:9000",  "--data-dir",
                        "/tmp/x",  "--config", "/etc/webvox.toml"};
  app.parse(7, const_cast<char**>(argv));
  EXPECT_EQ(flags["listen"], "127.0.0.1:9000");
  EXPECT_EQ(flags["data-dir"], "/tmp/x");
  EXPECT_EQ(file, "/etc/webvox.toml");
}

TEST(Config, WorldSecretIsOffByDefaultAndNeverShort) {
  Fixture f;
  EXPECT_TRUE(f.resolve().world_secret.empty());
  f.env["WEBVOX_WORLD_SECRET"] = "from-the-environment-1234";
  EXPECT_EQ(f.resolve().world_secret, "from-the-environment-1234");
  f.flags["world-secret"] = "from-the-command-line-12";
  EXPECT_EQ(f.resolve().world_secret, "from-the-command-line-12");
  Fixture g;
  g.flags["world-secret"] = "short";
  EXPECT_THROW(g.resolve(), ConfigError);
}

TEST(Config, MediaModeIsAutoWithAThresholdOfFourByDefault) {
  Fixture f;
  const auto config = f.resolve();
  EXPECT_EQ(config.media_mode, webvox::core::MediaMode::Auto);
  EXPECT_EQ(config.sfu_threshold, 4u);
}

TEST(Config, MediaModesAndTheirOldName) {
  const std::pair<const char*, webvox::core::MediaMode> cases[] = {
      {"auto", webvox::core::MediaMode::Auto},
      {"mesh", webvox::core::MediaMode::Mesh},
      {"always-sfu", webvox::core::MediaMode::AlwaysSfu},
      {"sfu", webvox::core::MediaMode::AlwaysSfu},  // configs written before auto existed
  };
  for (const auto& [text, mode] : cases) {
    Fixture f;
    f.flags["media-mode"] = text;
    EXPECT_EQ(f.resolve().media_mode, mode) << text;
  }
  for (const char* bad : {"", "SFU", "forward", "auto "}) {
    Fixture f;
    f.flags["media-mode"] = bad;
    EXPECT_THROW(f.resolve(), ConfigError) << bad;
  }
}

TEST(Config, SfuThresholdIsAPositiveCount) {
  Fixture f;
  f.file = write_toml("sfu-threshold = 2\n");
  EXPECT_EQ(f.resolve().sfu_threshold, 2u);
  for (const char* bad : {"0", "-1", "x", "257"}) {
    Fixture g;
    g.flags["sfu-threshold"] = bad;
    EXPECT_THROW(g.resolve(), ConfigError) << bad;
  }
}

TEST(Config, MediaTcpPortFollowsTheMediaPortUnlessSetAndZeroTurnsItOff) {
  Fixture f;
  f.flags["media-port"] = "3478";
  EXPECT_FALSE(f.resolve().media_tcp_port);
  EXPECT_EQ(media_tcp_port_in_use(f.resolve()), 3478);
  f.env["WEBVOX_MEDIA_TCP_PORT"] = "3479";
  EXPECT_EQ(media_tcp_port_in_use(f.resolve()), 3479);
  f.flags["media-tcp-port"] = "0";
  EXPECT_EQ(f.resolve().media_tcp_port, 0);
  EXPECT_FALSE(media_tcp_port_in_use(f.resolve()));
  Fixture g;
  g.flags["media-tcp-port"] = "65536";
  EXPECT_THROW(g.resolve(), ConfigError);
}

TEST(Config, MediaTcpPortNeverTakesTheHttpsPort) {
  Fixture f;  // listen 8443, media port 8443 by default: TCP 8443 is the HTTPS server's
  EXPECT_FALSE(media_tcp_port_in_use(f.resolve()));
  f.flags["media-tcp-port"] = "8443";
  EXPECT_THROW(f.resolve(), ConfigError);
  f.flags["media-tcp-port"] = "8444";
  EXPECT_EQ(media_tcp_port_in_use(f.resolve()), 8444);
  Fixture any;  // ports picked by the system: TCP gets one of its own
  any.flags["listen"] = "127.0.0.1:0";
  EXPECT_EQ(media_tcp_port_in_use(any.resolve()), 0);
}

TEST(Config, ConnectionBudgetFollowsTheFileLimitUnlessSetAndZeroLiftsThePerSourceOne) {
  Fixture f;
  EXPECT_FALSE(f.resolve().max_connections);  // derived from the open-file limit at start
  EXPECT_EQ(f.resolve().max_connections_per_source, 64u);
  f.file = write_toml("max-connections = 5000\nmax-connections-per-source = 0\n");
  EXPECT_EQ(f.resolve().max_connections, 5000u);
  EXPECT_EQ(f.resolve().max_connections_per_source, 0u);
  f.flags["max-connections-per-source"] = "200";
  EXPECT_EQ(f.resolve().max_connections_per_source, 200u);
  for (const char* bad : {"0", "-1", "x", "1000001"}) {
    Fixture g;
    g.flags["max-connections"] = bad;
    EXPECT_THROW(g.resolve(), ConfigError) << bad;
  }
  Fixture g;
  g.env["WEBVOX_MAX_CONNECTIONS_PER_SOURCE"] = "lots";
  EXPECT_THROW(g.resolve(), ConfigError);
}

TEST(Config, MetricsArePrivateAndLogsTextByDefault) {
  Fixture f;
  const auto config = f.resolve();
  EXPECT_FALSE(config.metrics_public);
  EXPECT_EQ(config.log_format, "text");
}

TEST(Config, MetricsPublicIsATomlBooleanOrTrueFalseTextAndLogFormatJson) {
  Fixture f;
  f.file = write_toml("metrics-public = true\nlog-format = \"json\"\n");
  auto config = f.resolve();
  EXPECT_TRUE(config.metrics_public);
  EXPECT_EQ(config.log_format, "json");
  f.env["WEBVOX_METRICS_PUBLIC"] = "false";
  EXPECT_FALSE(f.resolve().metrics_public);
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"metrics-public", "yes"}, {"metrics-public", ""}, {"log-format", "xml"}}) {
    Fixture g;
    g.flags[name] = value;
    EXPECT_THROW(g.resolve(), ConfigError) << name << "=" << value;
  }
}
