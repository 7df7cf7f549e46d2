#pragma once

#include <string>

namespace webvox::core {

// A voice account as VivoxVoiceModule provisions it: one per avatar, named
// "x" + base64url(avatar UUID). Only a hash of the password is ever kept.
struct Account {
  std::string name;
  std::string password_hash;
};

}  // namespace webvox::core
