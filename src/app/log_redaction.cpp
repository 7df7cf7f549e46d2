#include "app/log_redaction.hpp"

#include <array>

#include "base/query_string.hpp"

namespace webvox::app {
namespace {

// userid too: a refused one may be the password typed into the wrong field (and a right one
// is logged by name once the sign-in succeeds).
// apisecret: os-webrtc-janus's Janus API token on the Janus door's long polls.
constexpr std::array<std::string_view, 8> kSecretKeys = {
    "pwd", "new_pwd", "auth_token", "password", "token", "secret", "userid", "apisecret"};

// Paths whose last part is a secret: join links (/j/<code>, docs/world.md), whose code admits
// its holder like a token does, and the viewer-voice JSON-RPC door (/viewer-voice/<secret>).
constexpr std::array<std::string_view, 2> kSecretPathPrefixes = {"/j/", "/viewer-voice/"};

// Compared decoded, as the API reads keys: "auth%5Ftoken" is the token too.
bool is_secret(std::string_view raw_key) {
  const auto key = base::percent_decode(raw_key, false);
  for (const auto secret : kSecretKeys) {
    if (key == secret) return true;
  }
  return false;
}

}  // namespace

std::string redact_target(std::string_view target) {
  const auto question = target.find('?');
  std::string out;
  for (const auto prefix : kSecretPathPrefixes) {
    if (target.starts_with(prefix)) {
      out.append(prefix);
      out += "***";
      break;
    }
  }
  if (out.empty()) out.append(target.substr(0, question));
  if (question == std::string_view::npos) return out;
  out += '?';
  std::string_view query = target.substr(question + 1);
  bool first = true;
  while (true) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    if (!first) out += '&';
    first = false;
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && is_secret(pair.substr(0, eq))) {
      out.append(pair.substr(0, eq + 1));
      out += "***";
    } else {
      out.append(pair);
    }
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
  return out;
}

}  // namespace webvox::app
