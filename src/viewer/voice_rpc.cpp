#include "viewer/voice_rpc.hpp"

#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/json_text.hpp"
#include "base/uuid.hpp"
#include "viewer/viewer_request.hpp"

namespace webvox::viewer {
namespace {

using nlohmann::json;

constexpr std::string_view kProvisionMethod = "provision_voice_account_request";
constexpr std::string_view kSignallingMethod = "voice_signaling_request";

const json* member(const json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string write(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string result_text(const json& id, json result) {
  return write(json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
}

std::string error_text(const json& id, RpcErrorCode code, std::string_view message) {
  json error = {{"code", static_cast<int>(code)},
                {"message", std::string(message.substr(0, VoiceRpcLimits::kMaxErrorMessageBytes))}};
  return write(json{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}});
}

// A non-nil UUID string, in the lower-case form agent and region ids take everywhere.
std::optional<base::Uuid> uuid_param(const json& params, const char* key) {
  const json* value = member(params, key);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  auto uuid = base::parse_uuid(value->get_ref<const std::string&>());
  if (!uuid || base::is_nil(*uuid)) return std::nullopt;
  return uuid;
}

RpcErrorCode code_of(ProvisionFailure failure) {
  switch (failure) {
    case ProvisionFailure::BadOffer:
      return RpcErrorCode::OfferRejected;
    case ProvisionFailure::Full:
      return RpcErrorCode::ServerFull;
    case ProvisionFailure::Unavailable:
      return RpcErrorCode::Unavailable;
  }
  return RpcErrorCode::Unavailable;
}

}  // namespace

std::string_view to_string(VoiceRpcOutcome outcome) {
  switch (outcome) {
    case VoiceRpcOutcome::Provisioned:
      return "provisioned";
    case VoiceRpcOutcome::ProvisionFailed:
      return "provision_failed";
    case VoiceRpcOutcome::LoggedOut:
      return "logged_out";
    case VoiceRpcOutcome::Signalled:
      return "signalled";
    case VoiceRpcOutcome::ParseError:
      return "parse_error";
    case VoiceRpcOutcome::InvalidRequest:
      return "invalid_request";
    case VoiceRpcOutcome::MethodNotFound:
      return "method_not_found";
    case VoiceRpcOutcome::InvalidParams:
      return "invalid_params";
    case VoiceRpcOutcome::kCount:
      break;
  }
  return "unknown";
}

VoiceRpcDoor::VoiceRpcDoor(ViewerVoice& voice)
    : voice_(voice), counters_(std::make_shared<Counters>()) {}

std::uint64_t VoiceRpcDoor::count(VoiceRpcOutcome outcome) const {
  if (outcome >= VoiceRpcOutcome::kCount) return 0;
  return (*counters_)[static_cast<std::size_t>(outcome)].load(std::memory_order_relaxed);
}

void VoiceRpcDoor::handle(std::string_view body, Reply reply) {
  const auto counters = counters_;
  const auto note = [counters](VoiceRpcOutcome outcome) {
    (*counters)[static_cast<std::size_t>(outcome)].fetch_add(1, std::memory_order_relaxed);
  };
  const auto fail = [&](const json& id, RpcErrorCode code, std::string_view message) {
    switch (code) {
      case RpcErrorCode::ParseError:
        note(VoiceRpcOutcome::ParseError);
        break;
      case RpcErrorCode::InvalidRequest:
        note(VoiceRpcOutcome::InvalidRequest);
        break;
      case RpcErrorCode::MethodNotFound:
        note(VoiceRpcOutcome::MethodNotFound);
        break;
      default:
        note(VoiceRpcOutcome::InvalidParams);
        break;
    }
    reply(error_text(id, code, message));
  };

  if (body.size() > VoiceRpcLimits::kMaxBodyBytes) {
    return fail(nullptr, RpcErrorCode::ParseError, "body too large");
  }
  const auto body_json = base::parse_json_text(body);
  if (!body_json) return fail(nullptr, RpcErrorCode::ParseError, "not JSON");
  const json& envelope = *body_json;
  if (envelope.is_array()) {
    return fail(nullptr, RpcErrorCode::InvalidRequest, "batch requests are not supported");
  }
  if (!envelope.is_object()) {
    return fail(nullptr, RpcErrorCode::InvalidRequest, "not a request object");
  }

  // Both methods have effects and answers, so a notification (no id) is refused unperformed.
  const json* given_id = member(envelope, "id");
  json id = nullptr;
  if (given_id != nullptr && given_id->is_string() &&
      given_id->get_ref<const std::string&>().size() <= VoiceRpcLimits::kMaxIdBytes) {
    id = *given_id;
  } else if (given_id != nullptr && given_id->is_number_integer()) {
    id = *given_id;
  } else {
    return fail(nullptr, RpcErrorCode::InvalidRequest, "id must be a short string or an integer");
  }
  const json* version = member(envelope, "jsonrpc");
  if (version == nullptr || !version->is_string() ||
      version->get_ref<const std::string&>() != "2.0") {
    return fail(id, RpcErrorCode::InvalidRequest, "jsonrpc must be \"2.0\"");
  }
  const json* method = member(envelope, "method");
  if (method == nullptr || !method->is_string()) {
    return fail(id, RpcErrorCode::InvalidRequest, "method must be a string");
  }
  const auto& name = method->get_ref<const std::string&>();
  const bool provision = name == kProvisionMethod;
  if (!provision && name != kSignallingMethod) {
    return fail(id, RpcErrorCode::MethodNotFound, "unknown method");
  }

  const json* params = member(envelope, "params");
  if (params == nullptr || !params->is_object()) {
    return fail(id, RpcErrorCode::InvalidParams, "params must be an object");
  }
  const auto agent = uuid_param(*params, "userID");
  if (!agent) return fail(id, RpcErrorCode::InvalidParams, "params.userID must be a UUID");
  const auto scene = uuid_param(*params, "scene");
  if (!scene) return fail(id, RpcErrorCode::InvalidParams, "params.scene must be a UUID");
  const json* request = member(*params, "request");
  if (request == nullptr) return fail(id, RpcErrorCode::InvalidParams, "params.request is missing");
  const auto agent_id = base::format_uuid(*agent);

  if (!provision) {
    auto parsed = parse_signalling_request(*request);
    if (!parsed) return fail(id, RpcErrorCode::InvalidParams, to_string(parsed.error()));
    auto& signalling = *parsed;
    // Before the provision reply the viewer has no session id to send: nothing to route.
    if (!signalling.viewer_session.empty() &&
        (signalling.completed || !signalling.candidates.empty())) {
      std::vector<rtc::sdp::Candidate> candidates;
      candidates.reserve(signalling.candidates.size());
      for (auto& trickled : signalling.candidates) {
        candidates.push_back(std::move(trickled.candidate));
      }
      voice_.trickle(signalling.viewer_session, std::move(candidates), signalling.completed);
    }
    note(VoiceRpcOutcome::Signalled);
    return reply(result_text(id, json::object()));
  }

  auto parsed = parse_provision_request(*request);
  if (!parsed) return fail(id, RpcErrorCode::InvalidParams, to_string(parsed.error()));
  if (const auto* logout = std::get_if<LogoutRequest>(&*parsed)) {
    if (logout->all_sessions()) {
      voice_.logout_all(agent_id);
    } else {
      voice_.logout(agent_id, logout->viewer_session);
    }
    note(VoiceRpcOutcome::LoggedOut);
    return reply(result_text(id, json{{"response", "closed"}}));
  }

  auto& connect = std::get<ConnectRequest>(*parsed);
  ProvisionRequest provision_request;
  provision_request.agent_id = agent_id;
  provision_request.room = room_key_of(connect, *scene);
  provision_request.offer_sdp = std::move(connect.offer_sdp);
  // ViewerVoice promises one call of `done`; a second one must not answer the simulator twice.
  auto answered = std::make_shared<std::atomic<bool>>(false);
  voice_.provision(std::move(provision_request), [id, reply = std::move(reply), note,
                                                  answered](ProvisionOutcome outcome) {
    if (answered->exchange(true)) return;
    if (!outcome) {
      note(VoiceRpcOutcome::ProvisionFailed);
      return reply(error_text(id, code_of(outcome.error().failure), outcome.error().message));
    }
    const auto& provisioned = *outcome;
    note(VoiceRpcOutcome::Provisioned);
    reply(result_text(id, json{{"jsep", {{"type", "answer"}, {"sdp", provisioned.answer_sdp}}},
                               {"viewer_session", provisioned.viewer_session}}));
  });
}

}  // namespace webvox::viewer
