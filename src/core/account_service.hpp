#pragma once

#include <string_view>

#include "core/account_repository.hpp"
#include "core/password_hash.hpp"

namespace webvox::core {

enum class AccountError {
  None,
  InvalidName,      // empty, too long, or not printable ASCII
  InvalidPassword,  // empty or too long
  NotFound,
};

// Voice accounts: created by the region module, signed into by voice clients.
class AccountService {
 public:
  static constexpr std::size_t kMaxNameLength = 128;
  static constexpr std::size_t kMaxPasswordLength = 256;

  AccountService(AccountRepository& repository, const PasswordHasher& hasher);

  bool exists(std::string_view name);
  // Creating an existing account succeeds and sets its password: two concurrent
  // provisionings of one avatar must both succeed.
  AccountError create(std::string_view name, std::string_view password);
  AccountError set_password(std::string_view name, std::string_view password);
  // True only if the account exists and the password is its current one.
  bool verify_password(std::string_view name, std::string_view password);

  static bool is_valid_name(std::string_view name);
  static bool is_valid_password(std::string_view password);

 private:
  AccountRepository& repository_;
  const PasswordHasher& hasher_;
};

}  // namespace webvox::core
