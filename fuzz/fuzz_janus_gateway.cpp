// Fuzzes the Janus REST door (src/viewer/janus_gateway) as webvoxd drives it: sequences of
// HTTP requests from os-webrtc-janus (or anyone), the passage of time, and ViewerVoice's
// answers and events, against one gateway with a fake ViewerVoice.
//
// Input format (text, so seeds stay readable): up to kMaxSteps steps separated by a line
// "===". A step is a line, then for requests '\n' and a body:
//   POST <path>\n<body>      the Janus API (path below the base path, e.g. "SID/HID")
//   GET <path>[?<secret>]    the Janus API; no "?" sends no apisecret
//   ADMIN <path>\n<body>     the admin API
//   RAW <method> <path>\n<body>  any method
//   TICK <seconds>           advance the clock, then sweep()
//   OK <n> | FAIL <n> | UP <n> | END <n>   ViewerVoice answers provision n (modulo the
//                            number asked so far) / reports MediaUp / Ended for it
//   SYNC                     from now on ViewerVoice answers inside provision()
//   CLOSE                    close() the gateway
// Placeholders replaced in paths and bodies: ADMINSECRET, SECRET (the configured secrets),
// SID1 (the first session id this input created), SID / HID (the latest session / handle id).
//
// Checks:
//   - every request is answered exactly once (at the latest by close() at the end), with
//     one JSON object whose "janus" is a string, and an HTTP status the adapter expects;
//   - nothing grows without bound: sessions, handles, rooms, queued events, parked polls,
//     pending joins and seated participants stay within the configured limits;
//   - requests with a wrong or missing secret never create anything.
//
// WEBVOX_FUZZ_VERBOSE=1 prints every step and answer.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz_checks.hpp"
#include "viewer/janus_gateway.hpp"

using namespace webvox::viewer;
using webvox::fuzz::fail;

namespace {

constexpr std::size_t kMaxSteps = 256;
constexpr std::string_view kSecret = "apisecret-f";
constexpr std::string_view kAdminSecret = "adminsecret-f";

bool verbose() {
  static const bool on = std::getenv("WEBVOX_FUZZ_VERBOSE") != nullptr;
  return on;
}

class FuzzVoice : public ViewerVoice {
 public:
  struct Provision {
    std::function<void(ProvisionOutcome)> done;
    std::function<void(SessionEvent)> on_event;
    std::size_t offer_bytes = 0;
  };

  void provision(ProvisionRequest request, std::function<void(ProvisionOutcome)> done) override {
    if (request.agent_id.size() != 36)
      fail("provision for an agent id that is not a UUID", request.agent_id);
    if (request.room.id.empty()) fail("provision without a room");
    provisions.push_back({std::move(done), request.on_event, request.offer_sdp.size()});
    if (answer_inside) answer(provisions.size() - 1, true);
  }
  void trickle(const std::string& viewer_session,
               std::vector<webvox::rtc::sdp::Candidate> candidates, bool) override {
    if (viewer_session.empty()) fail("trickle without a viewer session");
    if (candidates.size() > 64) fail("more candidates than the door reads");
  }
  void logout(const std::string& agent_id, const std::string& viewer_session) override {
    if (agent_id.size() != 36 || viewer_session.empty()) fail("logout of nothing", viewer_session);
  }
  void logout_all(const std::string&) override {}

  void answer(std::size_t index, bool success) {
    auto done = std::move(provisions[index].done);
    provisions[index].done = nullptr;
    if (!done) return;  // ViewerVoice answers each provision once
    if (success) {
      done(Provisioned{"vs-" + std::to_string(index),
                       "v=0\r\nanswer " + std::to_string(index) + "\r\n"});
    } else {
      done(webvox::base::unexpected(ProvisionError{ProvisionFailure::BadOffer, "fuzz"}));
    }
  }

  std::vector<Provision> provisions;
  bool answer_inside = false;
};

struct Outstanding {
  int calls = 0;
  bool get = false;
  std::string what;
};

void check_reply(const Outstanding& request, const JanusHttpReply& reply) {
  const auto parsed = nlohmann::json::parse(reply.body, nullptr, false);
  if (!parsed.is_object()) fail("answer is not one JSON object", reply.body);
  const auto janus = parsed.find("janus");
  if (janus == parsed.end() || !janus->is_string())
    fail("answer without a \"janus\" string", reply.body);
  const auto status = reply.status;
  const bool allowed =
      status == 200 || status == 403 || status == 404 || status == 405 || status == 503;
  if (!allowed) fail("unexpected HTTP status", reply.body);
  if (status == 403 && !request.get)
    fail("a POST answered with HTTP 403 (Janus answers 200)", reply.body);
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  webvox::fuzz::replace_all(text, from, to);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  JanusGatewayConfig config;
  config.api_secret = std::string(kSecret);
  config.admin_secret = std::string(kAdminSecret);
  config.info.version_string = "fuzz";
  config.max_sessions = 6;
  config.max_handles_per_session = 3;
  config.max_rooms = 4;
  config.max_events_per_session = 4;
  config.max_candidates_per_trickle = 8;
  config.max_early_candidates = 4;
  const auto limits = config;

  FuzzVoice voice;
  std::uint64_t random_state = 0x5eed;
  auto gateway = std::make_unique<JanusGateway>(voice, config, [&random_state] {
    std::uint64_t z = (random_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  });
  auto now = JanusClock::time_point{} + std::chrono::hours(1);

  std::vector<std::shared_ptr<Outstanding>> requests;
  std::string first_session, last_session, last_handle;

  const auto remember_ids = [&](const JanusHttpReply& reply) {
    const auto parsed = nlohmann::json::parse(reply.body, nullptr, false);
    if (!parsed.is_object() || parsed.value("janus", "") != "success") return;
    const auto found = parsed.find("data");
    if (found == parsed.end() || !found->is_object() || !found->contains("id")) return;
    const auto id = std::to_string((*found)["id"].get<std::uint64_t>());
    if (parsed.contains("session_id")) {
      last_handle = id;
    } else {
      last_session = id;
      if (first_session.empty()) first_session = id;
    }
  };

  const auto send = [&](std::string method, std::string path, std::string body, bool admin,
                        std::optional<std::string> secret) {
    for (auto* text : {&path, &body}) {
      replace_all(*text, "ADMINSECRET", kAdminSecret);
      replace_all(*text, "SECRET", kSecret);
      replace_all(*text, "SID1", first_session.empty() ? "1" : first_session);
      replace_all(*text, "SID", last_session.empty() ? "1" : last_session);
      replace_all(*text, "HID", last_handle.empty() ? "1" : last_handle);
    }
    if (secret) replace_all(*secret, "SECRET", kSecret);
    auto request = std::make_shared<Outstanding>();
    request->get = method == "GET";
    request->what = method + " " + path + " " + body.substr(0, 200);
    requests.push_back(request);
    const auto before = gateway->stats();
    JanusHttpRequest http;
    http.method = method;
    http.path = split_janus_path(path);
    if (secret) http.apisecret = *secret;
    http.body = body;
    auto respond = [request, &remember_ids](JanusHttpReply reply) {
      if (++request->calls > 1) fail("a request was answered twice", request->what);
      check_reply(*request, reply);
      remember_ids(reply);
      if (verbose()) std::fprintf(stderr, "  <- %u %s\n", reply.status, reply.body.c_str());
    };
    if (verbose()) std::fprintf(stderr, "-> %s\n", request->what.c_str());
    if (admin) {
      gateway->handle_admin(http, now, respond);
    } else {
      gateway->handle(http, now, respond);
    }
    const bool authorised = admin ? body.find(kAdminSecret) != std::string::npos
                                  : (body.find(kSecret) != std::string::npos ||
                                     (secret && secret->find(kSecret) != std::string::npos));
    if (!authorised && gateway->stats().sessions_created != before.sessions_created) {
      fail("a request without the secret created a session", request->what);
    }
  };

  const auto check_bounds = [&] {
    const auto stats = gateway->stats();
    const auto max_handles = limits.max_sessions * limits.max_handles_per_session;
    if (stats.sessions > limits.max_sessions) fail("more sessions than the limit");
    if (stats.handles > max_handles) fail("more handles than the limit");
    if (stats.rooms > limits.max_rooms) fail("more rooms than the limit");
    if (stats.queued_events > limits.max_sessions * limits.max_events_per_session) {
      fail("more queued events than the limit");
    }
    if (stats.parked_polls > stats.sessions) fail("more parked polls than sessions");
    if (stats.pending_joins > stats.handles) fail("more pending joins than handles");
    if (stats.participants > stats.handles) fail("more seated participants than handles");
  };

  std::size_t steps = 0;
  std::size_t start = 0;
  while (start <= input.size() && steps < kMaxSteps) {
    auto end = input.find("\n===\n", start);
    const auto step =
        input.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    start = end == std::string_view::npos ? input.size() + 1 : end + 5;
    ++steps;

    const auto newline = step.find('\n');
    const std::string line(step.substr(0, newline));
    const std::string body(newline == std::string_view::npos ? std::string_view{}
                                                             : step.substr(newline + 1));
    const auto word_end = line.find(' ');
    const std::string word = line.substr(0, word_end);
    const std::string rest = word_end == std::string::npos ? "" : line.substr(word_end + 1);
    const auto number = [&] {
      std::size_t value = 0;
      for (const char c : rest) {
        if (c < '0' || c > '9') break;
        value = std::min<std::size_t>(value * 10 + static_cast<std::size_t>(c - '0'), 1'000'000);
      }
      return value;
    };

    if (word == "POST") {
      send("POST", rest, body, false, std::nullopt);
    } else if (word == "GET") {
      const auto mark = rest.find('?');
      std::optional<std::string> secret;
      if (mark != std::string::npos) secret = rest.substr(mark + 1);
      send("GET", rest.substr(0, mark), body, false, secret);
    } else if (word == "ADMIN") {
      send("POST", rest, body, true, std::nullopt);
    } else if (word == "RAW") {
      const auto space = rest.find(' ');
      send(rest.substr(0, space), space == std::string::npos ? "" : rest.substr(space + 1), body,
           false, std::nullopt);
    } else if (word == "TICK") {
      now += std::chrono::seconds(std::min<std::size_t>(number(), 3600));
      gateway->sweep(now);
    } else if ((word == "OK" || word == "FAIL" || word == "UP" || word == "END") &&
               !voice.provisions.empty()) {
      const auto index = number() % voice.provisions.size();
      if (word == "OK" || word == "FAIL") {
        voice.answer(index, word == "OK");
      } else if (voice.provisions[index].on_event) {
        voice.provisions[index].on_event(word == "UP" ? SessionEvent::MediaUp
                                                      : SessionEvent::Ended);
      }
    } else if (word == "SYNC") {
      voice.answer_inside = true;
    } else if (word == "CLOSE") {
      gateway->close();
    }
    check_bounds();
  }

  // Whatever is still waiting (parked polls, joins) is answered when the door closes; later
  // answers from ViewerVoice find nothing to answer.
  gateway->close();
  for (std::size_t i = 0; i < voice.provisions.size(); ++i) voice.answer(i, i % 2 == 0);
  gateway->sweep(now);
  for (const auto& request : requests) {
    if (request->calls != 1) fail("a request was never answered", request->what);
  }
  gateway.reset();
  return 0;
}
