#include "janus_addon_client.hpp"

#include "addon_room.hpp"

namespace webvox::load {

using nlohmann::json;

namespace {

// The plugin data of a reply, or null.
const json* plugin_data(const std::optional<json>& reply) {
  if (!reply || !reply->contains("plugindata")) return nullptr;
  const auto& data = (*reply)["plugindata"];
  return data.contains("data") && data["data"].is_object() ? &data["data"] : nullptr;
}

std::string describe(const std::optional<json>& reply) {
  return reply ? reply->dump().substr(0, 300) : "no answer";
}

}  // namespace

JanusAddonClient::JanusAddonClient(boost::asio::io_context& io,
                                   boost::asio::ip::tcp::endpoint server, JanusApiSettings api,
                                   JanusAddonRoom room, ViewerIdentity identity)
    : api_(io, server, std::move(api)), room_(std::move(room)), identity_(std::move(identity)) {}

void JanusAddonClient::provision(const std::string& offer_sdp,
                                 std::function<void(ProvisionResult)> done) {
  offer_sdp_ = offer_sdp;
  api_.create_session([this, done = std::move(done)](bool ok) mutable {
    if (!ok) return done({{}, "Janus create (session) failed"});
    api_.attach([this, done = std::move(done)](std::optional<std::uint64_t> handle) mutable {
      if (!handle) return done({{}, "Janus attach (janus.plugin.audiobridge) failed"});
      handle_ = handle;
      create_room(std::move(done));
    });
  });
}

void JanusAddonClient::create_room(std::function<void(ProvisionResult)> done) {
  const json create = {
      {"room", room_.number}, {"request", "create"},    {"is_private", false},
      {"permanent", false},   {"sampling_rate", 48000}, {"spatial_audio", true},
      {"denoise", false},     {"record", false},        {"description", room_.description}};
  api_.message(
      *handle_, create, std::nullopt,
      [this, done = std::move(done)](const std::optional<json>& reply) mutable {
        const auto* data = plugin_data(reply);
        const auto kind = data ? data->value("audiobridge", "") : "";
        // A room another viewer created first comes back as error 486 "already exists".
        if (!(kind == "created" || (kind == "event" && data->value("error_code", 0) == 486))) {
          return done({{}, "AudioBridge create: " + describe(reply)});
        }
        join(std::move(done));
      });
}

void JanusAddonClient::join(std::function<void(ProvisionResult)> done) {
  json body = {{"request", "join"}, {"room", room_.number}};
  if (const auto id = participant_id(identity_.agent_id)) body["id"] = *id;
  body["display"] = identity_.agent_id;
  api_.message(
      *handle_, body, json{{"type", "offer"}, {"sdp", offer_sdp_}},
      [done = std::move(done)](const std::optional<json>& reply) {
        const auto* data = plugin_data(reply);
        if (!data || data->value("audiobridge", "") != "joined" || !reply->contains("jsep")) {
          return done({{}, "AudioBridge join: " + describe(reply)});
        }
        done({(*reply)["jsep"].value("sdp", ""), {}});
      });
}

void JanusAddonClient::trickle(std::vector<std::string> candidates) {
  if (!handle_) return;
  json list = json::array();
  for (auto& candidate : candidates) {
    list.push_back({{"candidate", std::move(candidate)}, {"sdpMid", "0"}, {"sdpMLineIndex", 0}});
  }
  const auto handle = *handle_;
  api_.trickle(handle, {{"candidates", list}}, [this, handle](const std::optional<json>&) {
    api_.trickle(handle, {{"candidate", {{"completed", true}}}}, [](const std::optional<json>&) {});
  });
}

}  // namespace webvox::load
