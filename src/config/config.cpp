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
  Config config;
  std::string file = config_file;
  if (file.empty()) file = environment("WEBVOX_CONFIG").value_or("");
  if (!file.empty()) apply_settings(read_toml_file(file), config);
  apply_settings(read_environment(environment), config);
  apply_settings(flags, config);
  validate(config);
  return config;
}

}  // namespace webvox::config
