// webvoxd: wires configuration, storage, the Vivox API and the network edge together.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>
#include <vector>

#include "app/admin_password.hpp"
#include "app/data_directory.hpp"
#include "app/http_routes.hpp"
#include "config/config.hpp"
#include "core/account_service.hpp"
#include "core/admin_auth.hpp"
#include "core/channel_service.hpp"
#include "http/http_server.hpp"
#include "http/tls_context.hpp"
#include "store/sqlite_account_repository.hpp"
#include "store/sqlite_admin_session_repository.hpp"
#include "store/sqlite_channel_repository.hpp"
#include "store/sqlite_database.hpp"
#include "vivox/vivox_api.hpp"

namespace {

using namespace webvox;

std::optional<std::string> from_environment(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

core::AdminCredentials admin_credentials(const config::Config& config) {
  if (config.admin_password) return {config.admin_user, *config.admin_password};
  const auto password = app::load_or_create_admin_password(config.data_dir);
  if (password.generated) {
    // Shown once, on the terminal only (never in the log): the operator needs it for the
    // region module's vivox_admin_password.
    std::cout << "webvoxd: generated admin password for user '" << config.admin_user
              << "': " << password.value << "\n"
              << "webvoxd: it is kept in " << password.file.string() << std::endl;
  } else {
    std::cout << "webvoxd: admin password for user '" << config.admin_user << "' is in "
              << password.file.string() << std::endl;
  }
  return {config.admin_user, password.value};
}

http::CertificatePaths certificate_paths(const config::Config& config) {
  if (config.tls_cert) return {*config.tls_cert, *config.tls_key};
  return http::ensure_self_signed_certificate(config.data_dir);
}

int serve(const config::Config& config) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("webvoxd"));
  spdlog::set_level(spdlog::level::from_str(config.log_level));

  app::prepare_data_directory(config.data_dir);
  store::SqliteDatabase database(store::SqliteDatabase::file_in(config.data_dir));
  store::SqliteAccountRepository account_repository(database);
  store::SqliteAdminSessionRepository session_repository(database);
  store::SqliteChannelRepository channel_repository(database);

  const core::PasswordHasher hasher;
  core::AdminAuth admin(session_repository, admin_credentials(config));
  core::AccountService accounts(account_repository, hasher);
  core::ChannelService channels(channel_repository);
  vivox::VivoxApi vivox_api({admin, accounts, channels}, config.realm);
  app::HttpRoutes routes(vivox_api);

  auto tls = http::make_server_tls_context(certificate_paths(config));
  boost::asio::io_context io(static_cast<int>(config.threads));
  http::HttpServer server(io, tls, routes, nullptr);
  server.listen({boost::asio::ip::make_address(config.listen_host), config.listen_port});

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code, int signal) {
    spdlog::info("signal {}: shutting down", signal);
    server.stop();
    io.stop();
  });

  const auto endpoint = server.local_endpoint();
  spdlog::info("realm {}, data in {}", config.realm, config.data_dir.string());
  // Tests and scripts wait for this line; with --listen HOST:0 it tells the chosen port.
  std::cout << "webvoxd: listening on " << endpoint.address().to_string() << ":"
            << endpoint.port() << " (HTTPS and HTTP)" << std::endl;

  std::vector<std::thread> workers;
  for (unsigned i = 1; i < config.threads; ++i) workers.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& worker : workers) worker.join();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"webvoxd: a Vivox-compatible voice server for OpenSimulator"};
  std::map<std::string, std::string> flags;
  std::string config_file;
  config::add_config_options(cli, flags, config_file);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }
  try {
    return serve(config::resolve_config(config_file, flags, from_environment));
  } catch (const std::exception& e) {
    std::cerr << "webvoxd: " << e.what() << std::endl;
    return 1;
  }
}
