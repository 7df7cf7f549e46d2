#include "config/config.hpp"

#include <CLI/CLI.hpp>

#include "config/config_sources.hpp"

namespace webvox::config {

void add_config_options(CLI::App& app, std::map<std::string, std::string>& flags,
                        std::string& config_file) {
  app.add_option("--config", config_file, "TOML config file (also WEBVOX_CONFIG)");
  for (const auto& [name, description] : setting_descriptions()) {
    app.add_option_function<std::string>(
        "--" + name, [&flags, name = name](const std::string& value) { flags[name] = value; },
        description + " [" + environment_name(name) + "]");
  }
}

Config resolve_config(const std::string& config_file, const Settings& flags,
                      const EnvironmentLookup& environment) {
  std::string file = config_file;
  if (file.empty()) file = environment("WEBVOX_CONFIG").value_or("");
  // Merge before validating, so that a bad value that a later source overrides is harmless.
  Settings merged = file.empty() ? Settings{} : read_toml_file(file);
  for (const auto& [name, value] : read_environment(environment)) merged[name] = value;
  for (const auto& [name, value] : flags) merged[name] = value;
  Config config;
  apply_settings(merged, config);
  validate(config);
  return config;
}

std::optional<std::uint16_t> media_tcp_port_in_use(const Config& config) {
  if (config.media_tcp_port) {
    if (*config.media_tcp_port == 0) return std::nullopt;
    return *config.media_tcp_port;
  }
  const std::uint16_t udp = config.media_port.value_or(config.listen_port);
  if (udp != 0 && udp == config.listen_port) return std::nullopt;
  return udp;
}

}  // namespace webvox::config
