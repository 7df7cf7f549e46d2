#include "core/avatar_account.hpp"

#include "core/secure_random.hpp"

namespace webvox::core {

std::string avatar_account_name(const Uuid& avatar) {
  std::string name = "x" + base64_encode(avatar.data(), avatar.size());
  for (auto& c : name) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return name;
}

}  // namespace webvox::core
