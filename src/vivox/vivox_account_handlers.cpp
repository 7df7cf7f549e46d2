// Voice accounts (spec §5.3–§5.5). Passwords are hashed by the account service and never logged.
#include <spdlog/spdlog.h>

#include "base/log_text.hpp"
#include "vivox/vivox_api.hpp"
#include "vivox/vivox_response.hpp"

namespace webvox::vivox {
namespace {

std::string account_error(core::AccountError error) {
  switch (error) {
    case core::AccountError::None:
      return ok_response({{"code", "200"}});
    case core::AccountError::InvalidName:
      return error_response(ErrorCode::InvalidParameter, "Invalid account name");
    case core::AccountError::InvalidPassword:
      return error_response(ErrorCode::InvalidParameter, "Invalid password");
    case core::AccountError::NotFound:
      return error_response(ErrorCode::AccountNotFound, "Account does not exist");
  }
  return error_response(ErrorCode::Internal, "Internal server error");
}

}  // namespace

std::string VivoxApi::get_account(const VivoxRequest& request) {
  const auto& parameters = request.parameters;
  const auto name = require(parameters, "user_name");
  if (name.error) return *name.error;
  if (!services_.accounts.exists(name.value)) {
    return error_response(ErrorCode::AccountNotFound, "Account does not exist");
  }
  return ok_response({{"user_name", name.value}});
}

std::string VivoxApi::create_account(const VivoxRequest& request) {
  const auto& parameters = request.parameters;
  const auto name = require(parameters, "username");
  if (name.error) return *name.error;
  const auto password = require(parameters, "pwd");
  if (password.error) return *password.error;
  const auto error = services_.accounts.create(name.value, password.value);
  if (error == core::AccountError::None) {
    spdlog::info("account {} provisioned", base::log_text(name.value));
  }
  return account_error(error);
}

std::string VivoxApi::set_password(const VivoxRequest& request) {
  const auto& parameters = request.parameters;
  const auto name = require(parameters, "user_name");
  if (name.error) return *name.error;
  const auto password = require(parameters, "new_pwd");
  if (password.error) return *password.error;
  return account_error(services_.accounts.set_password(name.value, password.value));
}

}  // namespace webvox::vivox
