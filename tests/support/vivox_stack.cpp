#include "support/vivox_stack.hpp"

#include <stdexcept>

#include "support/module_reader.hpp"

namespace webvox::test_support {

VivoxStack::VivoxStack(const std::string& database_path) : database(database_path) {}

http::Response VivoxStack::get(std::string_view target) {
  http::Request request;
  request.method = "GET";
  request.target = std::string(target);
  request.secure = true;
  return routes.handle(request);
}

std::string VivoxStack::sign_in() {
  const auto response = get("/api2/viv_signin.php?userid=" + std::string(kAdminUser) +
                            "&pwd=" + std::string(kAdminPassword));
  ModuleReader reader(response.body);
  if (reader.value("response.level0.body.status") != "Ok") {
    throw std::runtime_error("sign-in failed: " + response.body);
  }
  return reader.value("response.level0.body.auth_token");
}

}  // namespace webvox::test_support
