#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/account.hpp"

namespace webvox::core {

// Where accounts live. Implementations must be safe to call from several threads.
class AccountRepository {
 public:
  virtual ~AccountRepository() = default;

  virtual std::optional<Account> find(std::string_view name) = 0;
  // Creates the account or, if it exists, replaces its password hash. Returns true if created.
  virtual bool upsert(const Account& account) = 0;
  // Returns false if there is no such account.
  virtual bool set_password_hash(std::string_view name, std::string_view password_hash) = 0;
};

}  // namespace webvox::core
