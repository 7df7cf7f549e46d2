#include "core/account_service.hpp"

#include <algorithm>
#include <string>

#include "base/secure_random.hpp"

namespace webvox::core {

AccountService::AccountService(AccountRepository& repository, const base::PasswordHasher& hasher)
    : repository_(repository), hasher_(hasher) {}

bool AccountService::is_valid_name(std::string_view name) {
  return !name.empty() && name.size() <= kMaxNameLength &&
         std::all_of(name.begin(), name.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

bool AccountService::is_valid_password(std::string_view password) {
  return !password.empty() && password.size() <= kMaxPasswordLength &&
         password.find('\0') == std::string_view::npos;
}

bool AccountService::exists(std::string_view name) {
  return is_valid_name(name) && repository_.find(name).has_value();
}

AccountError AccountService::create(std::string_view name, std::string_view password) {
  if (!is_valid_name(name)) return AccountError::InvalidName;
  if (!is_valid_password(password)) return AccountError::InvalidPassword;
  repository_.upsert(Account{std::string(name), hasher_.hash(password)});
  return AccountError::None;
}

AccountError AccountService::set_password(std::string_view name, std::string_view password) {
  if (!is_valid_name(name)) return AccountError::InvalidName;
  if (!is_valid_password(password)) return AccountError::InvalidPassword;
  return repository_.set_password_hash(name, hasher_.hash(password)) ? AccountError::None
                                                                     : AccountError::NotFound;
}

const std::string& AccountService::stand_in_hash() {
  std::call_once(stand_in_once_,
                 [this] { stand_in_hash_ = hasher_.hash(base::random_url_token(24)); });
  return stand_in_hash_;
}

bool AccountService::verify_password(std::string_view name, std::string_view password) {
  const auto account = is_valid_name(name) ? repository_.find(name) : std::nullopt;
  if (!account) {
    hasher_.verify(password, stand_in_hash());
    return false;
  }
  return hasher_.verify(password, account->password_hash);
}

}  // namespace webvox::core
