#include "core/avatar_account.hpp"

#include "base/secure_random.hpp"

#include <algorithm>
#include <stdexcept>

namespace webvox::core {

std::string avatar_account_name(const base::Uuid& avatar) {
  std::string name = "x" + base::base64_encode(avatar.data(), avatar.size());
  for (auto& c : name) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return name;
}

std::optional<base::Uuid> avatar_of_account(std::string_view account) {
  if (account.size() != 25 || account.front() != 'x' || !account.ends_with("=="))
    return std::nullopt;
  std::string base64(account.substr(1));
  for (auto& c : base64) {
    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
    else if (c == '+' || c == '/')
      return std::nullopt;  // not how the module writes names
  }
  try {
    const auto bytes = base::base64_decode(base64);
    if (bytes.size() != 16) return std::nullopt;
    base::Uuid uuid{};
    std::copy(bytes.begin(), bytes.end(), uuid.begin());
    if (avatar_account_name(uuid) != account) return std::nullopt;  // one spelling only
    return uuid;
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
}

}  // namespace webvox::core
