#pragma once

#include <mutex>
#include <string>
#include <string_view>

#include "core/account_repository.hpp"
#include "base/password_hash.hpp"

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

  AccountService(AccountRepository& repository, const base::PasswordHasher& hasher);

  bool exists(std::string_view name);
  // Creating an existing account succeeds and sets its password: two concurrent
  // provisionings of one avatar must both succeed.
  AccountError create(std::string_view name, std::string_view password);
  AccountError set_password(std::string_view name, std::string_view password);
  // True only if the account exists and the password is its current one. Takes the same
  // time either way: for an unknown (or malformed) name the password is checked against a
  // hash of a random password made with the same cost, so timing does not tell which
  // accounts exist.
  bool verify_password(std::string_view name, std::string_view password);

  static bool is_valid_name(std::string_view name);
  static bool is_valid_password(std::string_view password);

 private:
  const std::string& stand_in_hash();

  AccountRepository& repository_;
  const base::PasswordHasher& hasher_;
  std::once_flag stand_in_once_;
  std::string stand_in_hash_;  // of a random password nobody knows
};

}  // namespace webvox::core
