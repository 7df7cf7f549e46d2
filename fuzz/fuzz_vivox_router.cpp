// Fuzzes the whole request path as webvoxd wires it: HttpRoutes -> parse_vivox_request ->
// VivoxApi handlers -> core services -> SQLite repositories (in memory) -> XML responses.
//
// Input format (text, so seeds stay readable): up to kMaxRequests requests separated by a
// line "===". Each request is a request line, then optionally '\n' and a body:
//   [GET |POST |POSTRAW ]<target>\n<body>
// POST sends the body as application/x-www-form-urlencoded (SLVoice style), POSTRAW as
// text/plain (body ignored), GET (the default, as the module sends) with the body attached.
// Placeholders replaced before sending: "OLDTOKEN" by a signed-out admin token, "TOKEN" by
// a valid one, "ADMINPWD" by the admin password (the admin user is "opensim-admin"),
// "FIRSTID"/"CHANID" by the first/latest chan_id created by this input so far ("1001",
// the first id of a fresh database, before any), so sequences such as the legacy
// directory create -> child create -> list children -> delete can be expressed.
//
// Checks on every response:
//   - …/api2/{script} targets answer HTTP 200 text/xml, anything else a plain 404;
//   - the body is strict UTF-8 of XML 1.0 characters, pugixml parses it, the root is
//     <response> with <level0><status>OK|ERR</status>;
//   - ERR answers carry a numeric body/code, never 500 (an exception escaped a handler) and
//     never body/chan_uri (the module would take it as a created channel);
//   - values the module compares exactly (status, code, count, ids, types, URIs, tokens)
//     have no surrounding whitespace;
//   - channel-search: count is numeric and equals the number of level4 items, and every
//     item has exactly id, name, type, parent, uri in that order, with a URI that
//     parse_channel_uri maps back to the id (empty for directories);
//   - a sign-in answer with body/status Ok has a [A-Za-z0-9_-] token that is then valid;
//   - a created channel can be found by its id, under the name that was asked for, with
//     properties inside the module's bounds; a create by a signed-in admin with a usable
//     name and no chan_parent is never refused (odd properties are clamped instead).
//
// WEBVOX_FUZZ_VERBOSE=1 prints every request and response (handy when writing seeds:
// `WEBVOX_FUZZ_VERBOSE=1 build-fuzz/fuzz/fuzz_vivox_router fuzz/corpus/fuzz_vivox_router/x`).
//
// State: the in-memory stack is rebuilt every WEBVOX_FUZZ_RESET_EVERY inputs (default
// kDefaultResetEvery) so the database stays small and searches stay fast; each input sees
// a signed-in admin (re-signed in if an input signed the token out).
#include <pugixml.hpp>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/http_routes.hpp"
#include "core/account_service.hpp"
#include "core/admin_auth.hpp"
#include "core/channel_service.hpp"
#include "core/channel_uri.hpp"
#include "base/password_hash.hpp"
#include "fuzz_checks.hpp"
#include "store/sqlite_account_repository.hpp"
#include "store/sqlite_admin_session_repository.hpp"
#include "store/sqlite_channel_repository.hpp"
#include "store/sqlite_database.hpp"
#include "base/query_string.hpp"
#include "vivox/vivox_api.hpp"

namespace {

using namespace webvox;
using fuzz::fail;

constexpr std::string_view kAdminUser = "opensim-admin";
constexpr std::string_view kAdminPassword = "s3cret-Pass";
constexpr std::string_view kRealm = "voice.example.org";
constexpr std::size_t kMaxRequests = 8;
constexpr long kDefaultResetEvery = 256;

// The provisioning stack of webvoxd's main.cpp, on a private in-memory database and with
// a one-iteration password hash (the real 20k iterations would make this fuzzer crawl).
struct Stack {
  store::SqliteDatabase database{":memory:"};
  store::SqliteAccountRepository account_repository{database};
  store::SqliteAdminSessionRepository session_repository{database};
  store::SqliteChannelRepository channel_repository{database};
  base::PasswordHasher hasher{1};
  // Every input comes from one source at one time: a throttle that never blocks keeps the
  // sign-in path reachable for the whole run.
  core::CredentialThrottle throttle{
      {.source_free_failures = ~0u, .account_free_failures = ~0u, .max_in_flight_per_source = ~0u}};
  core::AdminAuth admin{
      session_repository, {std::string(kAdminUser), std::string(kAdminPassword)}, throttle};
  core::AccountService accounts{account_repository, hasher};
  core::ChannelService channels{channel_repository};
  vivox::VivoxApi api{{admin, accounts, channels}, std::string(kRealm)};
  // The join-token API and the static files are left out (null): this target is about the
  // Vivox API; other paths must then answer 404.
  app::HttpRoutes routes{api, nullptr, nullptr};

  std::string token;      // valid
  std::string old_token;  // signed out

  Stack() {
    old_token = sign_in();
    if (!admin.sign_out(old_token)) fail("cannot sign the old token out");
    token = sign_in();
  }

  std::string sign_in() {
    auto issued = admin.sign_in(kAdminUser, kAdminPassword, {"", core::MonotonicTime{}});
    if (issued.check.verdict != core::CredentialVerdict::Accepted) {
      fail("admin sign-in refused with the right credentials");
    }
    return issued.token;
  }
};

std::unique_ptr<Stack> g_stack;
long g_reset_every = kDefaultResetEvery;
long g_runs = 0;
bool g_verbose = false;  // WEBVOX_FUZZ_VERBOSE=1: print each request and response

// Ids of channels created by earlier requests of the same input, for the placeholders.
struct InputState {
  std::string first_id = "1001";  // the first channel of a fresh database
  std::string last_id = "1001";
  bool created_any = false;
};

std::vector<http::Request> split_requests(std::string_view input) {
  std::vector<http::Request> requests;
  while (requests.size() < kMaxRequests) {
    const auto separator = input.find("\n===\n");
    auto chunk = input.substr(0, separator);

    http::Request request;
    request.secure = true;
    request.method = "GET";
    if (chunk.starts_with("GET ")) {
      chunk.remove_prefix(4);
    } else if (chunk.starts_with("POST ")) {
      chunk.remove_prefix(5);
      request.method = "POST";
      request.content_type = "application/x-www-form-urlencoded";
    } else if (chunk.starts_with("POSTRAW ")) {
      chunk.remove_prefix(8);
      request.method = "POST";
      request.content_type = "text/plain";
    }
    const auto newline = chunk.find('\n');
    request.target = std::string(chunk.substr(0, newline));
    if (newline != std::string_view::npos) request.body = std::string(chunk.substr(newline + 1));
    requests.push_back(std::move(request));

    if (separator == std::string_view::npos) break;
    input.remove_prefix(separator + 5);
  }
  return requests;
}

void substitute(http::Request& request, const Stack& stack, const InputState& state) {
  for (auto* text : {&request.target, &request.body}) {
    fuzz::replace_all(*text, "OLDTOKEN", "\x01");  // "OLDTOKEN" contains "TOKEN"
    fuzz::replace_all(*text, "TOKEN", stack.token);
    fuzz::replace_all(*text, "\x01", stack.old_token);
    fuzz::replace_all(*text, "ADMINPWD", kAdminPassword);
    fuzz::replace_all(*text, "FIRSTID", state.first_id);
    fuzz::replace_all(*text, "CHANID", state.last_id);
  }
}

// The parameters the server saw, reconstructed the documented way.
base::Parameters parameters_of(const http::Request& request) {
  base::Parameters parameters;
  if (const auto question = request.target.find('?'); question != std::string::npos) {
    parameters = base::parse_query(std::string_view(request.target).substr(question + 1));
  }
  if (request.method == "POST" &&
      request.content_type.starts_with("application/x-www-form-urlencoded")) {
    parameters.merge(base::parse_form(request.body));
  }
  return parameters;
}

std::string_view text_of(pugi::xml_node node) { return node.text().get(); }

// A value the module compares exactly: present, no surrounding whitespace.
std::string_view exact_value(pugi::xml_node node, const char* what, const std::string& body) {
  if (!node) fail(what, body);
  const auto value = text_of(node);
  if (fuzz::has_surrounding_space(value)) fail(what, body);
  return value;
}

void check_channel_search(pugi::xml_node search, const std::string& body) {
  const auto count = exact_value(search.child("count"), "channel-search/count", body);
  WEBVOX_FUZZ_CHECK(fuzz::is_ascii_digits(count), body);
  std::size_t items = 0;
  const auto list = search.child("channels").child("channels");
  WEBVOX_FUZZ_CHECK(list, body);
  for (auto item = list.first_child(); item; item = item.next_sibling()) {
    WEBVOX_FUZZ_CHECK(std::string_view(item.name()) == "level4", body);
    ++items;
    static constexpr const char* kFields[] = {"id", "name", "type", "parent", "uri"};
    auto field = item.first_child();
    for (const char* expected : kFields) {
      WEBVOX_FUZZ_CHECK(field && std::string_view(field.name()) == expected, body);
      field = field.next_sibling();
    }
    WEBVOX_FUZZ_CHECK(!field, body);
    const auto id = exact_value(item.child("id"), "level4/id", body);
    WEBVOX_FUZZ_CHECK(fuzz::is_ascii_digits(id), body);
    const auto type = exact_value(item.child("type"), "level4/type", body);
    WEBVOX_FUZZ_CHECK(type == "positional_M" || type == "channel" || type == "dir", body);
    const auto parent = exact_value(item.child("parent"), "level4/parent", body);
    WEBVOX_FUZZ_CHECK(parent.empty() || fuzz::is_ascii_digits(parent), body);
    const auto uri = exact_value(item.child("uri"), "level4/uri", body);
    if (type == "dir") {
      WEBVOX_FUZZ_CHECK(uri.empty(), body);
    } else {
      const auto parsed = core::parse_channel_uri(uri, kRealm);
      WEBVOX_FUZZ_CHECK(parsed && std::to_string(*parsed) == id, body);
    }
  }
  WEBVOX_FUZZ_CHECK(std::to_string(items) == count, body);
}

// Whatever a request asked for, stored properties are within the module's own bounds.
void check_properties(const core::ChannelProperties& p, const std::string& body) {
  using core::PropertyLimits;
  WEBVOX_FUZZ_CHECK(
      p.roll_off >= PropertyLimits::kMinRollOff && p.roll_off <= PropertyLimits::kMaxRollOff, body);
  WEBVOX_FUZZ_CHECK(p.max_range >= 0 && p.max_range <= PropertyLimits::kMaxDistance, body);
  WEBVOX_FUZZ_CHECK(p.clamping_distance >= 0 && p.clamping_distance <= PropertyLimits::kMaxDistance,
                    body);
  const int model = static_cast<int>(p.distance_model);
  WEBVOX_FUZZ_CHECK(model >= 0 && model <= 3, body);
  const int type = static_cast<int>(p.type);
  WEBVOX_FUZZ_CHECK(type >= 0 && type <= 2, body);
  const int mode = static_cast<int>(p.mode);
  WEBVOX_FUZZ_CHECK(mode >= 0 && mode <= 3, body);
}

void check_response(Stack& stack, const http::Request& request, const http::Response& response,
                    InputState& state) {
  const auto script = webvox::fuzz::reference_api2_script(request.target);
  if (!script) {
    WEBVOX_FUZZ_CHECK(response.status == 404, request.target);
    WEBVOX_FUZZ_CHECK(response.body == "not found\n", request.target);
    return;
  }
  const std::string& body = response.body;
  WEBVOX_FUZZ_CHECK(response.status == 200, request.target);
  WEBVOX_FUZZ_CHECK(response.content_type.starts_with("text/xml"), request.target);
  WEBVOX_FUZZ_CHECK(fuzz::is_valid_utf8(body, true), body);

  pugi::xml_document doc;
  const auto parsed =
      doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) fail("response is not well-formed XML", body);
  const auto root = doc.document_element();
  if (std::string_view(root.name()) != "response") fail("root element is not <response>", body);
  const auto level0 = root.child("level0");
  const auto status = exact_value(level0.child("status"), "level0/status", body);
  WEBVOX_FUZZ_CHECK(status == "OK" || status == "ERR", body);
  const auto answer = level0.child("body");

  const auto parameters = parameters_of(request);
  const bool is_create = *script == "viv_chan_mod.php" &&
                         parameters.get("mode") == std::optional<std::string_view>("create");

  if (status == "ERR") {
    if (is_create) {
      // Odd properties are clamped, never refused: a refusal means "no voice" on a parcel.
      const auto name = parameters.get("chan_name").value_or("");
      const auto parent = parameters.get("chan_parent").value_or("");
      const bool authorised =
          stack.admin.check(parameters.get("auth_token").value_or("")) == core::TokenCheck::Valid;
      if (authorised && !name.empty() && name.size() <= core::ChannelService::kMaxNameLength &&
          parent.empty()) {
        fail("channel create refused", body);
      }
    }
    const auto code = exact_value(answer.child("code"), "body/code", body);
    WEBVOX_FUZZ_CHECK(fuzz::is_ascii_digits(code), body);
    if (code == "500") fail("internal error (an exception escaped a handler)", body);
    WEBVOX_FUZZ_CHECK(!answer.child("chan_uri"), body);
    return;
  }

  for (const char* name : {"code", "chan_id", "chan_uri", "auth_token", "status"}) {
    if (const auto node = answer.child(name)) exact_value(node, name, body);
  }
  if (const auto search = level0.child("channel-search")) check_channel_search(search, body);

  if (*script == "viv_signin.php" && text_of(answer.child("status")) == "Ok") {
    const std::string token(text_of(answer.child("auth_token")));
    WEBVOX_FUZZ_CHECK(!token.empty(), body);
    for (const char c : token) {
      const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-';
      WEBVOX_FUZZ_CHECK(ok, body);
    }
    WEBVOX_FUZZ_CHECK(stack.admin.check(token) == core::TokenCheck::Valid, body);
  }
  if (is_create) {
    const auto id = exact_value(answer.child("chan_id"), "chan_id", body);
    WEBVOX_FUZZ_CHECK(fuzz::is_ascii_digits(id), body);
    const auto channel = stack.channels.find(std::stoll(std::string(id)));
    WEBVOX_FUZZ_CHECK(channel.has_value(), body);
    WEBVOX_FUZZ_CHECK(channel->name == parameters.get("chan_name").value_or(""), body);
    check_properties(channel->properties, body);
    if (channel->is_directory()) {
      WEBVOX_FUZZ_CHECK(!answer.child("chan_uri"), body);
    } else {
      const auto uri = core::parse_channel_uri(text_of(answer.child("chan_uri")), kRealm);
      WEBVOX_FUZZ_CHECK(uri && std::to_string(*uri) == id, body);
    }
    if (!state.created_any) state.first_id = std::string(id);
    state.last_id = std::string(id);
    state.created_any = true;
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Log everything (the formatting runs on fuzzed text too) into a sink that drops it.
  auto logger =
      std::make_shared<spdlog::logger>("fuzz", std::make_shared<spdlog::sinks::null_sink_mt>());
  logger->set_level(spdlog::level::trace);
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::trace);
  if (const char* every = std::getenv("WEBVOX_FUZZ_RESET_EVERY")) {
    g_reset_every = std::max(1L, std::strtol(every, nullptr, 10));
  }
  g_verbose = std::getenv("WEBVOX_FUZZ_VERBOSE") != nullptr;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (!g_stack || ++g_runs % g_reset_every == 0) {
    g_stack.reset();
    g_stack = std::make_unique<Stack>();
  }
  Stack& stack = *g_stack;
  if (stack.admin.check(stack.token) != core::TokenCheck::Valid) stack.token = stack.sign_in();

  const std::string_view input(reinterpret_cast<const char*>(data), size);
  InputState state;
  for (auto& request : split_requests(input)) {
    substitute(request, stack, state);
    const auto response = stack.routes.handle(request);
    if (g_verbose) {
      std::fprintf(stderr, "> %s %s [%s] %s\n< %u %s\n", request.method.c_str(),
                   request.target.c_str(), request.content_type.c_str(), request.body.c_str(),
                   response.status, response.body.c_str());
    }
    check_response(stack, request, response, state);
  }
  return 0;
}
