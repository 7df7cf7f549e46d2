#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "config/config.hpp"

namespace webvox::config {

// Setting name ("data-dir") -> raw value, from one source.
using Settings = std::map<std::string, std::string>;

// The names webvoxd knows; anything else in a config file is an error.
const std::map<std::string, std::string>& setting_descriptions();

// A TOML file of top-level keys. Throws ConfigError for unreadable files, syntax errors,
// unknown keys, and values that are neither strings nor integers.
Settings read_toml_file(const std::filesystem::path& path);

// WEBVOX_<NAME> variables, e.g. WEBVOX_DATA_DIR for "data-dir".
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string&)>;
Settings read_environment(const EnvironmentLookup& lookup);
std::string environment_name(const std::string& setting);

// Applies settings over a Config, validating each value; throws ConfigError naming the
// setting and what is wrong with it.
void apply_settings(const Settings& settings, Config& config);
// Checks that hold across settings (TLS certificate and key come together).
void validate(const Config& config);

}  // namespace webvox::config
