// webvoxd: wires configuration, storage, the Vivox API, signalling and the network edge.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "app/admin_client.hpp"
#include "app/admin_gate.hpp"
#include "app/channel_admin_api.hpp"
#include "app/data_directory.hpp"
#include "app/http_routes.hpp"
#include "app/json_log_format.hpp"
#include "app/operations_endpoints.hpp"
#include "app/vivox_call_metrics.hpp"
#include "app/join_token_api.hpp"
#include "app/journal_stream.hpp"
#include "app/media_host.hpp"
#include "app/password_check_service.hpp"
#include "app/open_file_limit.hpp"
#include "app/viewer_channels.hpp"
#include "app/viewer_doors.hpp"
#include "app/viewer_service.hpp"
#include "app/secrets.hpp"
#include "app/heap_trimmer.hpp"
#include "app/position_ticker.hpp"
#include "app/sfu_service.hpp"
#include "app/signalling_endpoint.hpp"
#include "app/static_files.hpp"
#include "app/web_root.hpp"
#include "app/world_api.hpp"
#include "config/config.hpp"
#include "core/account_service.hpp"
#include "core/admin_auth.hpp"
#include "core/channel_service.hpp"
#include "core/credential_throttle.hpp"
#include "core/join_token.hpp"
#include "base/secure_random.hpp"
#include "base/steady_time.hpp"
#include "http/http_server.hpp"
#include "http/tls_context.hpp"
#include "signalling/signalling_hub.hpp"
#include "store/sqlite_account_repository.hpp"
#include "store/sqlite_admin_session_repository.hpp"
#include "store/sqlite_backup.hpp"
#include "store/sqlite_channel_repository.hpp"
#include "store/sqlite_database.hpp"
#include "vivox/vivox_api.hpp"
#include "world/link_code_store.hpp"
#include "world/region_directory.hpp"

namespace {

using namespace webvox;

std::optional<std::string> from_environment(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The signalling hub's clock (SignallingEndpoint reads the same).
base::SteadyTime monotonic_now() { return base::SteadyClock::now(); }

// Runs a start-up step that writes into the data folder; a failure (unwritable, disk full)
// then names the setting and the folder, whatever the step's own message says.
template <typename Step>
auto in_data_dir(const config::Config& config, Step&& step) -> decltype(step()) {
  try {
    return step();
  } catch (const config::ConfigError&) {
    throw;
  } catch (const std::exception& e) {
    const std::string what = e.what();
    if (what.starts_with("data-dir ")) throw;
    throw std::runtime_error("data-dir " + config.data_dir.string() + ": " + what);
  }
}

core::AdminCredentials admin_credentials(const config::Config& config) {
  if (config.admin_password) return {config.admin_user, *config.admin_password};
  const auto password =
      in_data_dir(config, [&] { return app::load_or_create_admin_password(config.data_dir); });
  if (password.generated && app::stdout_is_journal()) {
    // Under systemd standard output is the journal, which is a log: the file only.
    std::cout << "webvoxd: generated admin password for user '" << config.admin_user
              << "', kept in " << password.file.string() << std::endl;
  } else if (password.generated) {
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

core::JoinTokenSigner join_token_signer(const config::Config& config) {
  const auto key = config.token_key ? *config.token_key
                                    : in_data_dir(config, [&] {
                                        return app::load_or_create_token_key(config.data_dir);
                                      }).value;
  try {
    return core::JoinTokenSigner(core::base64url_decode(key));
  } catch (const std::invalid_argument& e) {
    throw config::ConfigError(std::string("token-key: ") + e.what());
  }
}

http::CertificatePaths certificate_paths(const config::Config& config) {
  if (config.tls_cert) return {*config.tls_cert, *config.tls_key};
  return in_data_dir(config, [&] { return http::ensure_self_signed_certificate(config.data_dir); });
}

// The store and the domain services over it, shared by the server and the subcommands.
struct Services {
  explicit Services(const config::Config& config)
      : database(in_data_dir(config, [&] {
          app::prepare_data_directory(config.data_dir);
          return store::SqliteDatabase(store::SqliteDatabase::file_in(config.data_dir));
        })) {}

  store::SqliteDatabase database;
  store::SqliteAccountRepository account_repository{database};
  store::SqliteAdminSessionRepository session_repository{database};
  store::SqliteChannelRepository channel_repository{database};
  base::PasswordHasher hasher;
  core::AccountService accounts{account_repository, hasher};
  core::ChannelService channels{channel_repository};
};

// Voice through the server: one UDP port (by default the listen port's number) that
// browsers reach at the advertised addresses.
std::unique_ptr<app::MediaHost> make_media_host(const config::Config& config) {
  const auto host = boost::asio::ip::make_address(config.listen_host);
  app::MediaHost::Settings settings;
  settings.listen = {host, config.media_port.value_or(config.listen_port)};
  settings.tcp_port = config::media_tcp_port_in_use(config);
  if (!settings.tcp_port && !config.media_tcp_port) {
    spdlog::info(
        "no ICE-TCP fallback: the media port's number is the listen port, which serves "
        "HTTPS on TCP; set media-tcp-port to offer one");
  }
  settings.advertised_addresses = config.media_addresses;
  if (settings.advertised_addresses.empty()) {
    if (host.is_unspecified()) {
      spdlog::warn(
          "media-addresses is not set and webvoxd listens on all addresses: "
          "browsers are told 127.0.0.1; set media-addresses to this host's public IP");
      settings.advertised_addresses = {"127.0.0.1"};
    } else {
      settings.advertised_addresses = {config.listen_host};
    }
  }
  settings.receive_buffer = config.media_receive_buffer;
  auto media = std::make_unique<app::MediaHost>(settings);
  spdlog::info("media on UDP port {}", media->udp_port());
  const auto granted = media->receive_buffer();
  if (settings.receive_buffer > 0 && granted < settings.receive_buffer) {
    spdlog::warn(
        "media port receive buffer: the kernel granted {} bytes of the {} asked for "
        "(media-receive-buffer); raise net.core.rmem_max (sysctl) or bursts are "
        "dropped before webvoxd sees them",
        granted, settings.receive_buffer);
  } else {
    spdlog::info("media port receive buffer: {} bytes as the kernel counts it ({} asked for)",
                 granted, settings.receive_buffer);
  }
  if (const auto tcp = media->tcp_port()) spdlog::info("ICE-TCP fallback on TCP port {}", *tcp);
  return media;
}

// How long SIGTERM waits for open connections to close (see HttpServer::stop).
constexpr std::chrono::seconds kShutdownGrace{5};

// The network edge's bounds: the connection budget from the settings, else from the
// open-file limit, which webvoxd first raises as far as it may.
http::ServerLimits server_limits(const config::Config& config) {
  const auto files = app::raise_open_file_limit();
  if (files.now > files.before) {
    spdlog::info("open-file limit raised from {} to {}", files.before, files.now);
  } else if (files.now < 4096) {
    spdlog::warn(
        "open-file limit is {} and cannot be raised (hard limit {}): at most {} "
        "connections; raise it (LimitNOFILE= in a systemd unit, ulimit -n) for more",
        files.now, files.hard, http::default_max_connections(files.now));
  }
  http::ServerLimits limits;
  limits.max_connections =
      config.max_connections ? *config.max_connections : http::default_max_connections(files.now);
  if (config.max_connections && *config.max_connections > files.now) {
    spdlog::warn("max-connections {} is above the open-file limit {}: accept() will fail first",
                 *config.max_connections, files.now);
  }
  limits.max_connections_per_source = config.max_connections_per_source;
  return limits;
}

int serve(const config::Config& config) {
  Services services(config);
  // One throttle for every password check: a source's failures count wherever they happen.
  core::CredentialThrottle throttle;
  core::AdminAuth admin(services.session_repository, admin_credentials(config), throttle);
  const auto signer = join_token_signer(config);
  boost::asio::io_context io(static_cast<int>(config.threads));

  vivox::VivoxApi vivox_api({admin, services.accounts, services.channels}, config.realm);
  const app::JoinTokenIssuer issuer(signer, services.channels, config.realm);
  app::JoinTokenApi join_token_api(admin, issuer, unix_now, std::chrono::steady_clock::now);
  const app::StaticFiles files(
      config.web_root.empty()
          ? app::default_web_root(app::running_executable(), WEBVOX_DEFAULT_WEB_ROOT)
          : config.web_root);

  // Started unless no channel may ever be forwarded: in auto any channel may grow into it.
  // Viewer voice needs the media port whatever media-mode says about browsers.
  std::unique_ptr<app::MediaHost> media;
  std::unique_ptr<app::SfuService> sfu;
  std::unique_ptr<app::ViewerService> viewers;
  if (config.media_mode != core::MediaMode::Mesh || config::viewer_voice_on(config)) {
    media = make_media_host(config);
  }
  if (config.media_mode != core::MediaMode::Mesh) {
    sfu = std::make_unique<app::SfuService>(*media, config.sfu_slots);
    spdlog::info("server-forwarded voice: {} slots per listener", config.sfu_slots);
  }
  spdlog::info(
      "media-mode {}{}", core::to_string(config.media_mode),
      config.media_mode == core::MediaMode::Auto
          ? fmt::format(": channels of more than {} members are forwarded", config.sfu_threshold)
          : "");

  // Hello passwords are checked on worker threads; the answers come back to the network ones.
  app::PasswordCheckService password_checks(
      services.accounts, throttle,
      [&io](std::function<void()> task) { boost::asio::post(io, std::move(task)); },
      {std::chrono::steady_clock::now, app::signalling_now});
  spdlog::info("hello passwords are checked on {} worker thread(s)",
               app::WorkerPool::default_threads());
  signalling::SignallingHub hub({services.accounts,
                                 services.channels,
                                 signer,
                                 {config.stun_urls, config.turn_urls, config.turn_secret,
                                  static_cast<std::int64_t>(config.turn_ttl)},
                                 config.realm,
                                 config.max_channel_members,
                                 sfu.get(),
                                 {config.media_mode, config.sfu_threshold},
                                 password_checks});
  app::SignallingEndpoint signalling_endpoint(hub);

  // Viewer voice, and where its regions are: a HUD's reports tie a region's corner to the
  // region its viewers named, so browser residents share the region's voice (docs/viewers.md).
  world::RegionDirectory regions;
  if (config::viewer_voice_on(config)) {
    app::ViewerService::Settings settings;
    settings.server_version = "webvox " WEBVOX_VERSION;
    app::ViewerService::OneWorld world;
    world.setup = [&services, realm = config.realm](const viewer::RoomKey& room) {
      return app::viewer_room_setup(services.channels, realm, room);
    };
    world.forwarding = sfu.get();
    world.hub = &hub;
    world.regions = &regions;
    world.to_hub = [strand = boost::asio::make_strand(io)](std::function<void()> call) {
      boost::asio::post(strand, std::move(call));
    };
    if (!sfu) spdlog::warn("media-mode mesh: viewers and browser residents do not share rooms");
    viewers = std::make_unique<app::ViewerService>(*media, settings, world);
  }

  world::InMemoryLinkCodeStore link_codes(app::WorldLimits::kMaxLinkCodes);
  std::optional<app::WorldApi> world_api;
  if (!config.world_secret.empty()) {
    world_api.emplace(
        config.world_secret, config.realm, issuer, services.channels, link_codes,
        [&hub](const std::string& account, const core::Position& position, base::SteadyTime now) {
          hub.place_from_world(account, position, now);
        },
        app::WorldClock{monotonic_now, unix_now},
        viewers ? app::ViewerRegions{&regions,
                                     [&services](const std::string& region_id) {
                                       return app::region_channel(services.channels, region_id);
                                     }}
                : app::ViewerRegions{});
    spdlog::info("world-secret set: /world/position, /world/link and /j/ links are on");
  }
  auto tls = http::make_server_tls_context(certificate_paths(config));
  std::optional<app::ViewerDoors> viewer_doors;
  app::AdminGate admin_gate(admin, [] { return std::chrono::steady_clock::now(); });
  if (viewers) {
    viewer_doors.emplace(
        io, *viewers,
        app::ViewerDoors::Secrets{config.viewer_voice_secret, config.janus_api_secret,
                                  config.janus_admin_secret},
        viewer::JanusServerInfo{"webvox", WEBVOX_VERSION, "webvoxd"},
        app::ViewerDoorsStatus{
            &admin_gate, [&viewers] { return app::ViewerService::to_json(viewers->stats()); }});
    if (viewer_doors->voice_rpc_on())
      spdlog::info("viewer voice: JSON-RPC door at /viewer-voice/<secret>");
    if (viewer_doors->janus_on())
      spdlog::info("viewer voice: Janus REST door at /janus and /janus-admin");
  }
  app::HttpRoutes routes(vivox_api, &join_token_api, &files, world_api ? &*world_api : nullptr,
                         viewer_doors ? &*viewer_doors : nullptr);
  app::ChannelAdminApi channel_admin(admin_gate, hub, services.channels, config.realm,
                                     app::channel_admin_media(sfu.get(), viewers.get()));
  routes.set_channel_admin(&channel_admin);
  http::HttpServer server(io, tls, routes, &signalling_endpoint, server_limits(config));
  // /metrics, /healthz, /readyz (docs/metrics.md).
  app::VivoxCallMetrics vivox_metrics;
  app::MetricsSources metric_sources{WEBVOX_VERSION,
                                     static_cast<double>(unix_now()),
                                     [&server] { return server.stats(); },
                                     &hub,
                                     media.get(),
                                     sfu.get(),
                                     viewers.get(),
                                     &vivox_metrics,
                                     &admin_gate,
                                     &password_checks};
  app::ReadinessChecks readiness;
  readiness.store = [&services] { return services.database.write_problem(); };
  if (media) {
    readiness.media = [&media]() -> std::optional<std::string> {
      if (media->ticking(std::chrono::steady_clock::now(), std::chrono::seconds(2))) return {};
      return "the media thread is not ticking";
    };
  }
  app::OperationsEndpoints operations(metric_sources, readiness, &admin_gate,
                                      config.metrics_public);
  routes.set_operations(&operations);
  routes.set_vivox_metrics(&vivox_metrics);
  spdlog::info("GET /metrics {}; /healthz and /readyz open",
               config.metrics_public ? "open (metrics-public)" : "behind the admin credentials");
  spdlog::info(
      "connection budget: {} open at once, {} from one address", server.limits().max_connections,
      config.max_connections_per_source == 0 ? std::string("no limit")
                                             : std::to_string(config.max_connections_per_source));
  app::PositionTicker position_ticker(io, hub);
  position_ticker.start();
  app::HeapTrimmer heap_trimmer(io, std::chrono::seconds(5));
  heap_trimmer.start();
  server.listen({boost::asio::ip::make_address(config.listen_host), config.listen_port});

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code, int signal) {
    spdlog::info("signal {}: shutting down", signal);
    // WebSockets are told "going away", responses being written finish: then everything stops.
    // Parked Janus long polls and pending joins are answered first, so the server's stop does
    // not wait for them.
    if (viewer_doors) viewer_doors->close();
    server.stop(kShutdownGrace, [&io] { io.stop(); });
  });

  const auto endpoint = server.local_endpoint();
  spdlog::info("realm {}, data in {}", config.realm, config.data_dir.string());
  // Tests and scripts wait for this line; with --listen HOST:0 it tells the chosen port.
  std::cout << "webvoxd: listening on " << endpoint.address().to_string() << ":" << endpoint.port()
            << " (HTTPS and HTTP)" << std::endl;

  // The media thread runs the services' handlers (which reach the hub, the doors' callbacks
  // and the store): it stops first, whatever way serve() ends.
  struct StopMedia {
    app::MediaHost* host;
    ~StopMedia() {
      if (host) host->stop();
    }
  } stop_media{media.get()};
  if (media) media->start();
  std::vector<std::thread> workers;
  for (unsigned i = 1; i < config.threads; ++i) workers.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& worker : workers) worker.join();
  return 0;
}

// `webvoxd token`: prints a join token, signed with the server's key, for an existing channel.
int issue_token(const config::Config& config, const app::JoinTokenRequest& request) {
  Services services(config);
  const auto signer = join_token_signer(config);
  const app::JoinTokenIssuer issuer(signer, services.channels, config.realm);
  const auto outcome = issuer.issue(request, unix_now());
  if (!outcome) {
    std::cerr << "webvoxd token: " << outcome.error().reason << std::endl;
    return 1;
  }
  std::cout << outcome->token << std::endl;
  return 0;
}

// `webvoxd backup --to FILE`: a checked copy of the store, safe while the server runs.
int back_up_store(const config::Config& config, const std::filesystem::path& target) {
  const auto summary =
      store::backup_database(store::SqliteDatabase::file_in(config.data_dir), target);
  std::cout << "webvoxd backup: " << target.string() << ": " << summary.bytes
            << " bytes, schema version " << summary.schema_version << ", integrity ok" << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"webvoxd: a Vivox-compatible voice server for OpenSimulator"};
  cli.fallthrough();  // config flags may also follow a subcommand
  std::map<std::string, std::string> flags;
  std::string config_file;
  config::add_config_options(cli, flags, config_file);

  app::JoinTokenRequest token_request;
  auto* token = cli.add_subcommand("token", "print a join token for one account and channel");
  token->add_option("--account", token_request.account, "voice account name")->required();
  token->add_option("--channel", token_request.channel_uri, "channel URI, sip:confctl-…@realm")
      ->required();
  token->add_option("--name", token_request.name, "display name shown to the others");
  token->add_flag("--moderator", token_request.moderator,
                  "may grant the floor in lecture, presentation and auditorium channels");
  token->add_option("--ttl", token_request.ttl_seconds, "seconds the token stays valid (≤ 7 days)")
      ->capture_default_str();
  app::AdminSubcommand admin(cli);
  std::string backup_target;
  auto* backup = cli.add_subcommand(
      "backup", "copy the SQLite store into FILE, checked, while the server may be running");
  backup->add_option("--to", backup_target, "the copy; an earlier one there is replaced")
      ->required();
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }
  try {
    const auto config = config::resolve_config(config_file, flags, from_environment);
    spdlog::set_default_logger(spdlog::stderr_color_mt("webvoxd"));
    if (config.log_format == "json") {
      spdlog::set_formatter(std::make_unique<app::JsonLogFormatter>());
    }
    spdlog::set_level(spdlog::level::from_str(config.log_level));
    if (token->parsed()) return issue_token(config, token_request);
    if (admin.parsed()) return admin.run(config, from_environment("WEBVOX_ADMIN_URL"));
    if (backup->parsed()) return back_up_store(config, backup_target);
    return serve(config);
  } catch (const std::exception& e) {
    std::cerr << "webvoxd: " << e.what() << std::endl;
    return 1;
  }
}
