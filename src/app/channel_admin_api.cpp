#include "app/channel_admin_api.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "app/sfu_service.hpp"
#include "app/viewer_service.hpp"
#include "base/log_text.hpp"
#include "core/channel_uri.hpp"

namespace webvox::app {
namespace {

using nlohmann::json;
using signalling::SignallingHub;

http::Response json_response(unsigned status, const json& body) {
  return {
      status, "application/json", body.dump(-1, ' ', false, json::error_handler_t::replace), {}};
}

// A viewer member's id in a bridged channel is "viewer-" and its agent's UUID
// (ViewerService); nothing for a browser member.
std::optional<std::string> viewer_agent(const signalling::MemberInfo& member) {
  constexpr std::string_view kPrefix = "viewer-";
  if (!member.viewer || !std::string_view(member.member).starts_with(kPrefix)) return std::nullopt;
  return member.member.substr(kPrefix.size());
}

bool has_viewers(const SignallingHub::ChannelView& view) {
  for (const auto& member : view.members) {
    if (member.viewer) return true;
  }
  return false;
}

}  // namespace

ChannelAdminMedia channel_admin_media(SfuService* sfu, ViewerService* viewers) {
  ChannelAdminMedia media;
  if (sfu) {
    media.speaker_counts =
        [sfu](core::ChannelId channel,
              const std::string& member) -> std::optional<ChannelAdminMedia::SpeakerCounts> {
      const auto counts = sfu->speaker_counts(channel, member);
      if (!counts) return std::nullopt;
      return ChannelAdminMedia::SpeakerCounts{counts->carried, counts->silenced};
    };
  }
  if (viewers) {
    media.kick_viewer = [viewers](core::ChannelId channel, const std::string& agent,
                                  std::chrono::seconds cooldown) {
      viewers->kick(channel, agent, cooldown);
    };
    media.mute_viewer = [viewers](core::ChannelId channel, const std::string& agent, bool muted) {
      viewers->set_operator_muted(channel, agent, muted);
    };
    media.close_viewers = [viewers](core::ChannelId channel) { viewers->close_channel(channel); };
    media.unbridged_viewer_rooms = [viewers] {
      std::vector<ChannelAdminMedia::ViewerRoom> rooms;
      for (const auto& room : viewers->stats().room_list) {
        if (room.channel_uri.empty()) rooms.push_back({room.id, room.sessions});
      }
      return rooms;
    };
  }
  return media;
}

ChannelAdminApi::ChannelAdminApi(AdminGate& gate, SignallingHub& hub,
                                 core::ChannelService& channels, std::string realm,
                                 ChannelAdminMedia media, std::function<base::SteadyTime()> now)
    : gate_(gate),
      hub_(hub),
      channels_(channels),
      realm_(std::move(realm)),
      media_(std::move(media)),
      now_(std::move(now)) {}

std::optional<http::Response> ChannelAdminApi::serve(const http::Request& request) {
  auto parsed = parse_admin_request(request.method, request.target, request.body);
  if (!parsed) return std::nullopt;
  // The gate first: without credentials nothing about the request is answered.
  if (auto refusal = gate_.refuse(request, "channel admin request")) return refusal;
  if (!*parsed) return admin_error(parsed->error().http_status, parsed->error().reason);
  const auto& admin = **parsed;
  if (admin.action == AdminAction::ListChannels) return list();
  const auto id = core::parse_channel_uri(admin.channel_uri, realm_);
  const auto channel = id ? channels_.find(*id) : std::nullopt;
  if (!channel || channel->is_directory()) return admin_error(404, "no such channel");
  const auto uri = core::channel_uri(channel->id, realm_);
  switch (admin.action) {
    case AdminAction::ShowChannel:
      return show(*channel, uri);
    case AdminAction::Kick:
      return kick(*channel, uri, admin.account);
    case AdminAction::Mute:
      return mute(*channel, admin.account, admin.muted);
    case AdminAction::Close:
      return close(*channel, uri);
    case AdminAction::ListChannels:
      break;
  }
  return list();
}

json ChannelAdminApi::channel_json(const core::Channel& channel, const std::string& uri,
                                   const std::optional<SignallingHub::ChannelView>& view) {
  json out = {{"uri", uri}, {"name", channel.name}, {"members", json::array()}};
  if (!view) {
    out["mode"] = "idle";
    out["viewer_mix"] = false;
    return out;
  }
  const bool forwarded = view->forwarding == core::ForwardingMode::Sfu;
  out["mode"] = forwarded ? "forwarded" : "mesh";
  out["viewer_mix"] = has_viewers(*view);
  for (const auto& member : view->members) {
    json entry = {{"member", member.member},
                  {"account", member.account},
                  {"name", member.name.empty() ? member.account : member.name},
                  {"kind", member.viewer ? "viewer" : "browser"},
                  {"muted", member.muted},
                  {"operator_muted", member.operator_muted}};
    if (forwarded && media_.speaker_counts) {
      if (const auto counts = media_.speaker_counts(view->channel, member.member)) {
        entry["packets_carried"] = counts->carried;
        entry["packets_silenced"] = counts->silenced;
      }
    }
    out["members"].push_back(std::move(entry));
  }
  return out;
}

http::Response ChannelAdminApi::list() {
  json channels = json::array();
  for (const auto& view : hub_.channels()) {
    const auto channel = channels_.find(view.channel);
    core::Channel shown;
    if (channel) {
      shown = *channel;
    } else {
      shown.id = view.channel;  // deleted through the Vivox API while people are in it
    }
    channels.push_back(channel_json(shown, core::channel_uri(view.channel, realm_), view));
  }
  json rooms = json::array();
  if (media_.unbridged_viewer_rooms) {
    for (const auto& room : media_.unbridged_viewer_rooms()) {
      rooms.push_back({{"room", room.id}, {"mode", "viewer-mix"}, {"sessions", room.sessions}});
    }
  }
  return json_response(200,
                       {{"channels", std::move(channels)}, {"viewer_rooms", std::move(rooms)}});
}

http::Response ChannelAdminApi::show(const core::Channel& channel, const std::string& uri) {
  return json_response(200, channel_json(channel, uri, hub_.channel_view(channel.id)));
}

http::Response ChannelAdminApi::kick(const core::Channel& channel, const std::string& uri,
                                     const std::string& account) {
  const auto outcome = hub_.kick(channel.id, uri, account, now_(), kRejoinCooldown);
  if (outcome.result != SignallingHub::OperatorResult::Done) {
    return admin_error(404, "no member with that account in the channel");
  }
  json kicked = json::array();
  for (const auto& member : outcome.members) {
    if (const auto agent = viewer_agent(member); agent && media_.kick_viewer) {
      media_.kick_viewer(channel.id, *agent, kRejoinCooldown);
    }
    kicked.push_back({{"member", member.member}, {"kind", member.viewer ? "viewer" : "browser"}});
  }
  spdlog::info("admin: kicked {} from {} ({} connection(s)); it may rejoin in {} s",
               base::log_text(account), uri, outcome.members.size(), kRejoinCooldown.count());
  return json_response(200, {{"channel", uri},
                             {"account", account},
                             {"kicked", std::move(kicked)},
                             {"rejoin_after", kRejoinCooldown.count()}});
}

http::Response ChannelAdminApi::mute(const core::Channel& channel, const std::string& account,
                                     bool muted) {
  const auto outcome = hub_.set_operator_muted(channel.id, account, muted);
  if (outcome.result != SignallingHub::OperatorResult::Done) {
    return admin_error(404, "no member with that account in the channel");
  }
  for (const auto& member : outcome.members) {
    if (const auto agent = viewer_agent(member); agent && media_.mute_viewer) {
      media_.mute_viewer(channel.id, *agent, muted);
    }
  }
  const auto uri = core::channel_uri(channel.id, realm_);
  spdlog::info("admin: {} {} in {}", muted ? "muted" : "unmuted", base::log_text(account), uri);
  return json_response(200, {{"channel", uri},
                             {"account", account},
                             {"operator_muted", muted},
                             {"members", outcome.members.size()}});
}

http::Response ChannelAdminApi::close(const core::Channel& channel, const std::string& uri) {
  const auto outcome = hub_.close(channel.id, uri);
  // Viewers in the rooms bridged to it too, whether or not they were members just now.
  if (media_.close_viewers) media_.close_viewers(channel.id);
  spdlog::info("admin: closed {} ({} member(s) removed)", uri, outcome.members.size());
  return json_response(200, {{"channel", uri}, {"removed", outcome.members.size()}});
}

}  // namespace webvox::app
