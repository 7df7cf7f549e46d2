#include "app/viewer_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <variant>

#include "app/sfu_service.hpp"
#include "core/avatar_account.hpp"
#include "base/log_text.hpp"
#include "core/position.hpp"
#include "base/secure_random.hpp"
#include "base/uuid.hpp"
#include "mixer/room_mixer.hpp"
#include "rtc/peer/media_transport.hpp"
#include "rtc/rtp/audio_level.hpp"
#include "rtc/rtp/ntp_time.hpp"
#include "rtc/rtp/rtp_header_writer.hpp"
#include "rtc/rtp/rtp_packet.hpp"
#include "rtc/sdp/viewer_answer.hpp"
#include "rtc/srtp/srtp_session.hpp"
#include "sfu/member_rtcp.hpp"
#include "viewer/listener_tether.hpp"
#include "viewer/roster.hpp"
#include "viewer/sl_data_update.hpp"
#include "viewer/user_gain.hpp"
#include "signalling/signalling_hub.hpp"
#include "world/region_directory.hpp"

namespace webvox::app {

using Clock = std::chrono::steady_clock;

namespace {

constexpr std::string_view kSlDataLabel = "SLData";
constexpr std::string_view kCname = "webvox";

std::string new_session_id() {
  const auto bytes = base::secure_random_bytes(16);
  base::Uuid uuid{};
  std::copy(bytes.begin(), bytes.end(), uuid.begin());
  uuid[6] = static_cast<unsigned char>((uuid[6] & 0x0F) | 0x40);  // version 4
  uuid[8] = static_cast<unsigned char>((uuid[8] & 0x3F) | 0x80);  // RFC 4122 variant
  return base::format_uuid(uuid);
}

std::size_t index_of(SlDataDrop drop) { return static_cast<std::size_t>(drop); }
std::size_t index_of(ViewerSessionEnd end) { return static_cast<std::size_t>(end); }

SlDataDrop drop_for(viewer::SlDataError error) {
  switch (error) {
    case viewer::SlDataError::TooLarge:
      return SlDataDrop::TooLarge;
    case viewer::SlDataError::NotJson:
    case viewer::SlDataError::NotAnObject:
      return SlDataDrop::NotJson;
    case viewer::SlDataError::TooManyEntries:
      return SlDataDrop::TooManyEntries;
    default:
      return SlDataDrop::BadValue;
  }
}

}  // namespace

std::string_view to_string(SlDataDrop drop) {
  switch (drop) {
    case SlDataDrop::Binary:
      return "binary";
    case SlDataDrop::TooLarge:
      return "too_large";
    case SlDataDrop::NotJson:
      return "not_json";
    case SlDataDrop::BadValue:
      return "bad_value";
    case SlDataDrop::TooManyEntries:
      return "too_many_entries";
    case SlDataDrop::SkippedEntries:
      return "skipped_entries";
    case SlDataDrop::OtherChannel:
      return "other_channel";
    case SlDataDrop::kCount:
      break;
  }
  return "unknown";
}

std::string_view to_string(ViewerSessionEnd end) {
  switch (end) {
    case ViewerSessionEnd::Logout:
      return "logout";
    case ViewerSessionEnd::Replaced:
      return "replaced";
    case ViewerSessionEnd::ConnectTimeout:
      return "connect_timeout";
    case ViewerSessionEnd::Silent:
      return "silent";
    case ViewerSessionEnd::Kicked:
      return "kicked";
    case ViewerSessionEnd::Closed:
      return "closed";
    case ViewerSessionEnd::kCount:
      break;
  }
  return "unknown";
}

struct ViewerService::Session {
  std::string id;
  std::string agent;
  base::Uuid agent_uuid{};
  Room* room = nullptr;
  std::uint64_t number = 0;  // its speaker and listener id in the room's mixer
  std::shared_ptr<rtc::MediaTransport> transport;
  std::shared_ptr<sfu::MemberRtcp> rtcp;
  rtc::sdp::ViewerMediaSession media;
  std::uint32_t ssrc = 0;  // of the mix we send it
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::optional<std::uint16_t> sl_data;  // its SLData channel's stream, once open
  std::function<void(viewer::SessionEvent)> on_event;
  Clock::time_point created{};
  bool media_up = false;
  bool speaker = false;  // a speaker in the mixer: it counts for its agent in the roster
  // The grid's operator muted it (docs/admin.md): its packets are dropped.
  bool operator_muted = false;
  std::optional<core::Vec3> avatar;                 // sp
  std::optional<core::Quaternion> avatar_rotation;  // sh
  std::optional<core::Vec3> ears;                   // lp, as sent (tethered when used)
  std::optional<core::Quaternion> ears_rotation;    // lh
  Clock::time_point last_drop_log{};
  std::uint64_t drops_since_log = 0;
};

// A browser member of the bridged channel, as the room's viewers hear and see it.
struct BrowserSpeaker {
  std::uint64_t number = 0;    // its speaker id in the mixer
  std::string agent;           // the avatar it signed in as, else a stand-in UUID
  std::string roster_session;  // its place in the roster (no data channel of its own)
};

struct ViewerService::Room {
  Room(viewer::RoomKey room_key, mixer::RoomMixer room_mixer, viewer::RosterConfig roster_config)
      : key(std::move(room_key)), mixer(std::move(room_mixer)), roster(std::move(roster_config)) {}

  viewer::RoomKey key;
  mixer::RoomMixer mixer;
  viewer::Roster roster;
  std::unordered_map<std::uint64_t, Session*> by_number;
  std::map<std::string, Session*> by_agent;  // at most one session per agent per room
  // One world: the browser channel, and the browser members heard here.
  core::ChannelProperties properties;
  std::optional<core::ChannelId> channel;
  std::string channel_uri;
  std::unique_ptr<RoomBridge> bridge;
  std::unordered_map<std::string, BrowserSpeaker> browsers;       // by member id
  std::unordered_map<std::uint64_t, std::string> browser_agents;  // mixer number -> agent
};

namespace {

// The member id a viewer's agent has in a bridged channel.
std::string viewer_member(const std::string& agent) { return "viewer-" + agent; }

// A browser member's UUID for the viewers: the avatar whose voice account it signed in with
// (a HUD link signs in as the wearer's), else one derived from its member id.
std::string agent_for_browser(const std::optional<std::string>& account,
                              const std::string& member) {
  if (account) {
    if (const auto avatar = core::avatar_of_account(*account)) return base::format_uuid(*avatar);
  }
  base::Uuid uuid{};
  const auto hash = std::hash<std::string>()("browser:" + member);
  for (std::size_t i = 0; i < uuid.size(); ++i) {
    uuid[i] = static_cast<unsigned char>((hash >> ((i % 8) * 8)) ^ (i * 37));
  }
  uuid[6] = static_cast<unsigned char>((uuid[6] & 0x0F) | 0x40);
  uuid[8] = static_cast<unsigned char>((uuid[8] & 0x3F) | 0x80);
  return base::format_uuid(uuid);
}

}  // namespace

// What the forwarding tells a bridged room of its browser members (media thread).
class ViewerService::RoomBridge final : public SfuBridge {
 public:
  RoomBridge(ViewerService& service, Room& room) : service_(service), room_(room) {}

  void on_member_rtp(const std::string& member, const sfu::MemberFormat& format,
                     std::span<const std::uint8_t> packet, Clock::time_point now) override {
    const auto parsed = rtc::rtp::parse_rtp_packet(packet);
    if (!parsed || parsed->payload_type != format.opus_payload_type) return;
    auto& speaker = browser(member);
    mixer::SpeakerPacket speaker_packet;
    speaker_packet.sequence_number = parsed->sequence_number;
    speaker_packet.timestamp = parsed->timestamp;
    speaker_packet.payload = parsed->payload;
    speaker_packet.arrival = now;
    if (const auto level = rtc::rtp::read_audio_level(*parsed, format.audio_level_extension_id)) {
      speaker_packet.level_minus_dbov = level->level_minus_dbov;
    }
    room_.mixer.push(speaker.number, speaker_packet);
  }

  void on_member_placed(const std::string& member, const core::Position& position) override {
    const auto corner = service_.corner_of(room_);
    if (!corner) return;  // no frame to put it in until a viewer or a HUD gives one
    room_.mixer.set_speaker_position(
        browser(member).number,
        core::Vec3{corner->x + position.x, corner->y + position.y, position.z});
  }

  void on_member_left(const std::string& member) override {
    const auto it = room_.browsers.find(member);
    if (it == room_.browsers.end()) return;
    room_.mixer.remove_speaker(it->second.number);
    room_.browser_agents.erase(it->second.number);
    service_.send_roster(room_, room_.roster.remove_session(it->second.roster_session));
    room_.browsers.erase(it);
  }

 private:
  BrowserSpeaker& browser(const std::string& member) {
    const auto it = room_.browsers.find(member);
    if (it != room_.browsers.end()) return it->second;
    BrowserSpeaker speaker;
    speaker.number = service_.next_number_++;
    speaker.agent =
        agent_for_browser(service_.world_.hub->account_of(*room_.channel, member), member);
    speaker.roster_session = "browser-" + member;
    room_.mixer.add_speaker(speaker.number, *base::parse_uuid(speaker.agent));
    room_.browser_agents[speaker.number] = speaker.agent;
    // Viewers see it as a participant of the room, under its avatar's UUID: joined and primary.
    room_.roster.add_session(speaker.roster_session, speaker.agent);
    service_.send_roster(room_, room_.roster.joined(speaker.roster_session, true));
    return room_.browsers.emplace(member, std::move(speaker)).first->second;
  }

  ViewerService& service_;
  Room& room_;
};

ViewerService::ViewerService(MediaHost& host, Settings settings, OneWorld world)
    : host_(host), settings_(std::move(settings)), world_(std::move(world)) {
  host_.add_tick_handler([this](Clock::time_point now) { tick(now); });
}

ViewerService::ViewerService(MediaHost& host, Settings settings)
    : ViewerService(host, std::move(settings), OneWorld{}) {}

ViewerService::~ViewerService() = default;

void ViewerService::provision(viewer::ProvisionRequest request,
                              std::function<void(viewer::ProvisionOutcome)> done) {
  // The room's setup may read or make its channel in the store: here, not on the media thread.
  auto setup = world_.setup ? world_.setup(request.room) : RoomSetup{};
  host_.post(
      [this, request = std::move(request), setup = std::move(setup),
       done = std::move(done)]() mutable { provision_on_media_thread(request, setup, done); });
}

void ViewerService::provision_on_media_thread(
    viewer::ProvisionRequest& request, const RoomSetup& setup,
    const std::function<void(viewer::ProvisionOutcome)>& done) {
  const auto refuse = [&](viewer::ProvisionFailure failure, std::string message) {
    ++counters_.provision_refused;
    done(base::unexpected(viewer::ProvisionError{failure, std::move(message)}));
  };
  const auto agent_uuid = base::parse_uuid(request.agent_id);
  if (!agent_uuid) return refuse(viewer::ProvisionFailure::BadOffer, "the agent id is not a UUID");
  const auto agent = base::format_uuid(*agent_uuid);

  // A newer connection of the agent in the same room replaces the older one (the viewer made
  // a new PeerConnection; the old one is dead or about to be).
  if (const auto room = rooms_.find(request.room); room != rooms_.end()) {
    if (const auto older = room->second->by_agent.find(agent);
        older != room->second->by_agent.end()) {
      end(*older->second, ViewerSessionEnd::Replaced);
    }
  }
  if (setup.channel) {
    if (const auto wait = kicked_.remaining(*setup.channel, agent, Clock::now())) {
      return refuse(viewer::ProvisionFailure::Unavailable,
                    "removed from this voice channel by the grid's operator; try again in " +
                        std::to_string(wait->count()) + " s");
    }
  }
  if (sessions_.size() >= settings_.max_sessions) {
    return refuse(viewer::ProvisionFailure::Full,
                  "the server has as many viewer sessions as it takes");
  }
  if (const auto room = rooms_.find(request.room);
      room != rooms_.end() && room->second->by_number.size() >= settings_.max_sessions_per_room) {
    return refuse(viewer::ProvisionFailure::Full, "the voice room is full");
  }

  const auto local_ice = MediaHost::new_ice_credentials();
  rtc::sdp::ViewerAnswerOptions options;
  options.session_id = MediaHost::random_ssrc();
  options.transport = host_.answer_transport(local_ice);
  const auto ssrc = MediaHost::random_ssrc();
  options.mix_stream = {ssrc, std::string(kCname), "webvox", "mix"};
  auto answer = rtc::sdp::answer_viewer_offer(request.offer_sdp, options);
  if (!answer) return refuse(viewer::ProvisionFailure::BadOffer, answer.error().describe());

  auto session = std::make_unique<Session>();
  session->id = new_session_id();
  session->agent = agent;
  session->agent_uuid = *agent_uuid;
  session->media = std::move(answer->session);
  session->ssrc = ssrc;
  session->sequence = static_cast<std::uint16_t>(MediaHost::random_ssrc());
  session->timestamp = MediaHost::random_ssrc();
  session->on_event = std::move(request.on_event);
  session->created = Clock::now();
  session->operator_muted = setup.channel && operator_muted_.contains({*setup.channel, agent});
  session->rtcp =
      std::make_shared<sfu::MemberRtcp>(sfu::MemberRtcpSettings{ssrc, {ssrc}, std::string(kCname)},
                                        MediaHost::random_ssrc(), session->created);

  const std::string id = session->id;
  const auto rtcp = session->rtcp;
  session->transport = std::make_shared<rtc::MediaTransport>(
      rtc::MediaTransportSettings{
          &host_.certificate(),
          session->media.server_setup == rtc::sdp::SetupRole::Passive ? rtc::DtlsRole::Server
                                                                      : rtc::DtlsRole::Client,
          fingerprint_digest_text(session->media.viewer_fingerprint), local_ice,
          session->media.viewer_ice.ufrag, session->media.data_channels()},
      rtc::MediaTransport::Handlers{
          [this, id] {
            const auto it = sessions_.find(id);
            if (it == sessions_.end()) return;
            it->second->media_up = true;
            if (it->second->on_event) it->second->on_event(viewer::SessionEvent::MediaUp);
          },
          [this, id](std::span<std::uint8_t> packet) {
            if (const auto it = sessions_.find(id); it != sessions_.end())
              on_rtp(*it->second, packet);
          },
          [rtcp](std::span<std::uint8_t> packet) { rtcp->on_rtcp(packet, Clock::now()); },
          [this, id](rtc::SctpAssociation::Event event) {
            if (const auto it = sessions_.find(id); it != sessions_.end()) {
              on_data_channel(*it->second, std::move(event));
            }
          }});

  auto& room = room_for(request.room, setup);
  session->room = &room;
  session->number = next_number_++;
  room.mixer.add_listener(session->number, session->agent_uuid);
  room.roster.add_session(session->id, session->agent);
  room.by_number[session->number] = session.get();
  room.by_agent[session->agent] = session.get();
  host_.router().add(session->transport);
  spdlog::info("viewer: {} joined voice room {} (session {})", session->agent,
               base::log_text(room.key.id), session->id);
  sessions_[id] = std::move(session);
  ++counters_.provisioned;
  done(viewer::Provisioned{id, std::move(answer->sdp)});
}

ViewerService::Room& ViewerService::room_for(const viewer::RoomKey& key, const RoomSetup& setup) {
  auto& slot = rooms_[key];
  if (slot) return *slot;
  auto created = mixer::RoomMixer::create(setup.properties, key.spatial);
  if (!created) {
    rooms_.erase(key);
    throw std::runtime_error("viewer mixer: " + std::string(mixer::to_string(created.error())));
  }
  viewer::RosterConfig roster;
  roster.spatial = key.spatial;
  roster.server_version = settings_.server_version;
  slot = std::make_unique<Room>(key, std::move(*created), roster);
  slot->properties = setup.properties;
  // Bridged only where the channel can be forwarded: a viewer's voice cannot join a mesh.
  if (setup.channel && world_.forwarding && world_.hub) {
    slot->channel = setup.channel;
    slot->channel_uri = setup.channel_uri;
    slot->bridge = std::make_unique<RoomBridge>(*this, *slot);
    world_.forwarding->set_bridge(*setup.channel, slot->bridge.get());
  }
  return *slot;
}

void ViewerService::close_room(Room& room) {
  if (room.channel) world_.forwarding->set_bridge(*room.channel, nullptr);
  closed_rooms_speakers_ += room.mixer.speaker_totals();
  rooms_.erase(room.key);
}

std::optional<world::RegionCorner> ViewerService::corner_of(const Room& room) const {
  if (!world_.regions || !room.key.region_id) return std::nullopt;
  return world_.regions->corner_of(*room.key.region_id);
}

std::optional<core::Position> ViewerService::local_position(
    Room& room, const core::Vec3& global, const std::optional<core::Quaternion>& heading) {
  const auto corner = corner_of(room);
  if (!corner) return std::nullopt;
  double yaw = 0;
  if (heading) {
    const auto parsed = core::yaw_of(*heading);
    if (parsed) yaw = *parsed;
  }
  const auto checked =
      core::validate_position(global.x - corner->x, global.y - corner->y, global.z, yaw);
  if (checked) return *checked;
  return std::nullopt;  // outside the region (a neighbour's): not placed in its channel
}

void ViewerService::bridge_agent(Session& session, bool counts) {
  auto& room = *session.room;
  if (!room.channel) return;
  const auto member = viewer_member(session.agent);
  auto* hub = world_.hub;
  const auto channel = *room.channel;
  if (!counts) {
    with_hub([hub, channel, member] { hub->leave(channel, member); });
    return;
  }
  signalling::MemberInfo info;
  info.member = member;
  info.account = core::avatar_account_name(session.agent_uuid);
  info.name = "In-world avatar " + session.agent.substr(0, 8);
  if (session.avatar) {
    if (const auto placed = local_position(room, *session.avatar, session.avatar_rotation)) {
      info.position = signalling::PlacedPosition{*placed, signalling::PositionSource::Client};
    }
  }
  const sfu::MemberFormat format{session.media.opus_payload_type,
                                 session.media.audio_level_extension_id.value_or(1)};
  with_hub([this, hub, channel, properties = room.properties, info = std::move(info), format,
            agent = session.agent]() mutable {
    const auto member = info.member;
    const auto account = info.account;
    if (!hub->join_viewer(channel, properties, std::move(info))) return;
    // The hub keeps the operator's mutes (they outlive this session while the channel has
    // members, and end with it): the mix follows what it says.
    const bool muted = hub->operator_muted(channel, account);
    // The forwarding's rooms belong to the media thread.
    host_.post([this, channel, properties, member, format, agent, muted] {
      world_.forwarding->add_relayed(channel, properties, member, format);
      apply_operator_muted(channel, agent, muted);
    });
  });
}

void ViewerService::with_hub(std::function<void()> call) {
  if (world_.to_hub) {
    world_.to_hub(std::move(call));
  } else {
    call();
  }
}

void ViewerService::bridge_pose(Session& session) {
  auto& room = *session.room;
  if (!session.avatar) return;
  if (world_.regions && room.key.region_id && session.speaker) {
    world_.regions->note_viewer(*room.key.region_id, session.avatar->x, session.avatar->y);
  }
  if (!room.channel || !session.speaker) return;
  if (const auto placed = local_position(room, *session.avatar, session.avatar_rotation)) {
    const auto now = Clock::now();
    with_hub([hub = world_.hub, channel = *room.channel, member = viewer_member(session.agent),
              position = *placed, now] { hub->place(channel, member, position, now); });
  }
}

void ViewerService::trickle(const std::string& viewer_session,
                            std::vector<rtc::sdp::Candidate> candidates, bool completed) {
  host_.post([this, viewer_session, count = candidates.size()] {
    // ICE-lite: the viewer's address comes from its checks (peer-reflexive); candidates are
    // only counted.
    if (sessions_.contains(viewer_session)) counters_.candidates += count;
  });
}

void ViewerService::logout(const std::string& agent_id, const std::string& viewer_session) {
  host_.post([this, agent_id, viewer_session] {
    const auto it = sessions_.find(viewer_session);
    const auto agent = base::parse_uuid(agent_id);
    if (it == sessions_.end() || !agent || it->second->agent_uuid != *agent) return;
    end(*it->second, ViewerSessionEnd::Logout);
  });
}

void ViewerService::logout_all(const std::string& agent_id) {
  host_.post([this, agent_id] {
    const auto agent = base::parse_uuid(agent_id);
    if (!agent) return;
    std::vector<Session*> of_agent;
    for (auto& [id, session] : sessions_) {
      if (session->agent_uuid == *agent) of_agent.push_back(session.get());
    }
    for (auto* session : of_agent) end(*session, ViewerSessionEnd::Logout);
  });
}

void ViewerService::end_in_channel(core::ChannelId channel, ViewerSessionEnd why,
                                   const std::function<bool(const Session&)>& which) {
  std::vector<Session*> ending;
  for (auto& [id, session] : sessions_) {
    if (session->room->channel == channel && which(*session)) ending.push_back(session.get());
  }
  for (auto* session : ending) end(*session, why);
}

void ViewerService::kick(core::ChannelId channel, const std::string& agent,
                         std::chrono::seconds cooldown) {
  host_.post([this, channel, agent, cooldown] {
    const auto now = Clock::now();
    kicked_.note(channel, agent, now, now + cooldown);
    end_in_channel(channel, ViewerSessionEnd::Kicked,
                   [&agent](const Session& session) { return session.agent == agent; });
  });
}

void ViewerService::close_channel(core::ChannelId channel) {
  host_.post([this, channel] {
    end_in_channel(channel, ViewerSessionEnd::Closed, [](const Session&) { return true; });
  });
}

void ViewerService::set_operator_muted(core::ChannelId channel, const std::string& agent,
                                       bool muted) {
  host_.post([this, channel, agent, muted] { apply_operator_muted(channel, agent, muted); });
}

void ViewerService::apply_operator_muted(core::ChannelId channel, const std::string& agent,
                                         bool muted) {
  if (muted) {
    if (operator_muted_.size() >= kMaxOperatorMuted && !operator_muted_.contains({channel, agent}))
      operator_muted_.erase(operator_muted_.begin());
    operator_muted_.insert({channel, agent});
  } else {
    operator_muted_.erase({channel, agent});
  }
  for (auto& [id, session] : sessions_) {
    if (session->room->channel == channel && session->agent == agent) {
      session->operator_muted = muted;
    }
  }
}

void ViewerService::end(Session& session, ViewerSessionEnd why) {
  auto& room = *session.room;
  send_roster(room, room.roster.remove_session(session.id));
  room.mixer.remove_listener(session.number);
  if (session.speaker) {
    room.mixer.remove_speaker(session.number);
    bridge_agent(session, false);
  }
  room.by_number.erase(session.number);
  if (const auto it = room.by_agent.find(session.agent);
      it != room.by_agent.end() && it->second == &session) {
    room.by_agent.erase(it);
  }
  host_.router().remove(session.transport->ice().local().ufrag);
  ++counters_.ended[index_of(why)];
  spdlog::info("viewer: {} left voice room {} ({}; session {})", session.agent,
               base::log_text(room.key.id), to_string(why), session.id);
  const auto on_event = std::move(session.on_event);
  const auto key = room.key;
  sessions_.erase(session.id);  // `session` is gone from here on
  if (why != ViewerSessionEnd::Logout && on_event) on_event(viewer::SessionEvent::Ended);
  if (const auto it = rooms_.find(key); it != rooms_.end() && it->second->by_number.empty()) {
    close_room(*it->second);
  }
}

void ViewerService::on_rtp(Session& session, std::span<std::uint8_t> packet) {
  const auto now = Clock::now();
  ++counters_.rtp_in;
  session.rtcp->on_rtp_received(packet, now);
  if (!session.speaker) {
    // A neighbour region's connection (mic-muted by the viewer anyway), or one that has not
    // joined: only where the agent is primary is it heard.
    ++counters_.rtp_not_mixed;
    return;
  }
  if (session.operator_muted) {
    ++counters_.rtp_operator_muted;
    return;
  }
  const auto parsed = rtc::rtp::parse_rtp_packet(packet);
  if (!parsed || parsed->payload_type != session.media.opus_payload_type) {
    ++counters_.rtp_malformed;
    return;
  }
  mixer::SpeakerPacket speaker_packet;
  speaker_packet.sequence_number = parsed->sequence_number;
  speaker_packet.timestamp = parsed->timestamp;
  speaker_packet.payload = parsed->payload;
  speaker_packet.arrival = now;
  if (session.media.audio_level_extension_id) {
    if (const auto level =
            rtc::rtp::read_audio_level(*parsed, *session.media.audio_level_extension_id)) {
      speaker_packet.level_minus_dbov = level->level_minus_dbov;
    }
  }
  session.room->mixer.push(session.number, speaker_packet);
  // One world: browser listeners get the viewer's packets themselves, on their slots.
  if (session.room->channel) {
    world_.forwarding->relay_rtp(*session.room->channel, viewer_member(session.agent), packet, now);
  }
}

void ViewerService::on_data_channel(Session& session, rtc::SctpAssociation::Event event) {
  using Kind = rtc::SctpAssociation::Event::Kind;
  switch (event.kind) {
    case Kind::ChannelOpened:
      if (event.label != kSlDataLabel || session.sl_data) return;
      session.sl_data = event.stream;
      send_roster(*session.room, session.room->roster.channel_opened(session.id));
      return;
    case Kind::Message:
      if (!session.sl_data || event.stream != *session.sl_data)
        return drop_sl_data(session, SlDataDrop::OtherChannel);
      if (event.binary) return drop_sl_data(session, SlDataDrop::Binary);
      return on_sl_data(session, std::string_view(reinterpret_cast<const char*>(event.data.data()),
                                                  event.data.size()));
    case Kind::ChannelClosed:
      if (session.sl_data && event.stream == *session.sl_data) session.sl_data.reset();
      return;
    default:
      return;
  }
}

void ViewerService::on_sl_data(Session& session, std::string_view text) {
  ++counters_.sldata_in;
  auto parsed = viewer::parse_sl_data(text);
  if (!parsed) return drop_sl_data(session, drop_for(parsed.error()));
  const auto& update = *parsed;
  if (update.skipped.total() > 0) drop_sl_data(session, SlDataDrop::SkippedEntries);
  auto& room = *session.room;
  if (update.speaker_position) session.avatar = update.speaker_position;
  if (update.speaker_orientation) session.avatar_rotation = update.speaker_orientation;
  if (update.listener_position) session.ears = update.listener_position;
  if (update.listener_orientation) session.ears_rotation = update.listener_orientation;
  for (const auto& [agent, gain] : update.user_gains) {
    if (const auto peer = base::parse_uuid(agent)) {
      room.mixer.set_peer_gain(session.number, *peer, viewer::user_gain(gain));
    }
  }
  for (const auto& [agent, muted] : update.mutes) {
    if (const auto peer = base::parse_uuid(agent))
      room.mixer.set_peer_muted(session.number, *peer, muted);
  }
  send_roster(room, room.roster.message_received(session.id, update));
  apply_counting(session);
  apply_pose(session);
}

// Only a session that stands for its agent here (joined; primary in a spatial room) is heard.
void ViewerService::apply_counting(Session& session) {
  auto& room = *session.room;
  const bool counts = room.roster.counts(session.id);
  if (counts == session.speaker) return;
  session.speaker = counts;
  if (counts) {
    room.mixer.add_speaker(session.number, session.agent_uuid);
  } else {
    room.mixer.remove_speaker(session.number);
  }
  bridge_agent(session, counts);
}

void ViewerService::apply_pose(Session& session) {
  auto& room = *session.room;
  if (session.speaker && session.avatar)
    room.mixer.set_speaker_position(session.number, *session.avatar);
  mixer::ListenerPose pose;
  // The ears are the camera by default, never more than 50 m from the avatar: the server
  // enforces what the viewer promises (no eavesdropping from afar).
  if (session.ears && session.avatar) {
    pose.position = viewer::tether_listener(*session.ears, *session.avatar);
  } else if (session.avatar) {
    pose.position = *session.avatar;
  }
  const auto& rotation = session.ears_rotation ? session.ears_rotation : session.avatar_rotation;
  if (rotation) pose.rotation = *rotation;
  room.mixer.set_listener_pose(session.number, pose);
  bridge_pose(session);
}

void ViewerService::send_roster(Room& room, std::vector<viewer::RosterMessage> messages) {
  for (auto& message : messages) {
    const auto it = sessions_.find(message.session);
    if (it == sessions_.end() || !it->second->sl_data) continue;
    auto& session = *it->second;
    auto* channels = session.transport->data_channels();
    if (!channels) continue;
    if (channels->send_text(*session.sl_data, message.text)) ++counters_.sldata_out;
    host_.router().flush(*session.transport);
  }
}

void ViewerService::drop_sl_data(Session& session, SlDataDrop why) {
  ++counters_.sldata_dropped[index_of(why)];
  // One line per session every 10 s at most: a viewer that sends garbage must not flood the log.
  ++session.drops_since_log;
  const auto now = Clock::now();
  if (now - session.last_drop_log < std::chrono::seconds(10)) return;
  spdlog::warn("viewer: SLData from session {} dropped ({}; {} dropped since the last such line)",
               session.id, to_string(why), session.drops_since_log);
  session.last_drop_log = now;
  session.drops_since_log = 0;
}

void ViewerService::tick(Clock::time_point now) {
  std::vector<std::pair<Session*, ViewerSessionEnd>> gone;
  for (auto& [id, session] : sessions_) {
    if (!session->media_up) {
      if (now - session->created > settings_.connect_timeout)
        gone.emplace_back(session.get(), ViewerSessionEnd::ConnectTimeout);
    } else if (session->transport->ice().state(now) == rtc::stun::IceState::Disconnected) {
      gone.emplace_back(session.get(), ViewerSessionEnd::Silent);
    }
  }
  for (auto& [session, why] : gone) end(*session, why);
  for (auto& [key, room] : rooms_) mix(*room, now);
  const auto ntp = rtc::rtp::to_ntp(std::chrono::system_clock::now());
  for (auto& [id, session] : sessions_) {
    if (!session->transport->media_ready()) continue;
    for (auto& compound : session->rtcp->due(now, ntp)) {
      const auto length = compound.size();
      compound.resize(length + rtc::SrtpSession::kMaxTrailer);
      session->transport->send_rtcp(compound, length);
    }
    host_.router().flush(*session->transport);
  }
  publish_stats();
}

void ViewerService::mix(Room& room, Clock::time_point now) {
  for (const auto& packet : room.mixer.mix(now)) {
    const auto it = room.by_number.find(packet.listener);
    if (it == room.by_number.end()) continue;
    auto& session = *it->second;
    if (!session.transport->media_ready()) continue;
    session.sequence = static_cast<std::uint16_t>(session.sequence + 1);
    session.timestamp += packet.timestamp_step;
    const auto length = rtc::rtp::kRtpFixedHeaderSize + packet.payload.size();
    packet_.resize(length + rtc::SrtpSession::kMaxTrailer);
    rtc::rtp::write_rtp_header(packet_, {session.media.opus_payload_type, packet.marker,
                                         session.sequence, session.timestamp, session.ssrc});
    std::copy(packet.payload.begin(), packet.payload.end(),
              packet_.begin() + rtc::rtp::kRtpFixedHeaderSize);
    session.rtcp->on_rtp_sent(std::span<const std::uint8_t>(packet_).first(length), now);
    if (session.transport->send_rtp(packet_, length)) {
      ++counters_.mixed_packets_out;
      host_.router().flush(*session.transport);
    }
  }
  room.mixer.take_delays(delays_, Clock::now() - now);
  std::vector<viewer::SpeakerLevel> levels;
  levels.reserve(room.mixer.levels().size());
  for (const auto& level : room.mixer.levels()) {
    if (const auto it = room.by_number.find(level.speaker); it != room.by_number.end()) {
      levels.push_back({it->second->agent, level.power, level.speaking});
    } else if (const auto browser = room.browser_agents.find(level.speaker);
               browser != room.browser_agents.end()) {
      levels.push_back({browser->second, level.power, level.speaking});
    }
  }
  send_roster(room, room.roster.levels(levels, now));
}

void ViewerService::publish_stats() {
  counters_.mix_delay_p50_ms = static_cast<double>(delays_.percentile(0.5).count());
  counters_.mix_delay_p99_ms = static_cast<double>(delays_.percentile(0.99).count());
  counters_.mix_delay = delays_;
  counters_.room_list.clear();
  counters_.speakers = closed_rooms_speakers_;
  for (const auto& [key, room] : rooms_) {
    counters_.speakers += room->mixer.speaker_totals();
    counters_.room_list.push_back(
        {key.id, room->by_number.size(), room->browsers.size(), room->channel_uri});
  }
  counters_.sessions = sessions_.size();
  counters_.rooms = rooms_.size();
  counters_.media_up = static_cast<std::size_t>(std::count_if(
      sessions_.begin(), sessions_.end(), [](const auto& s) { return s.second->media_up; }));
  std::lock_guard lock(stats_mutex_);
  published_ = counters_;
}

ViewerService::Stats ViewerService::stats() const {
  std::lock_guard lock(stats_mutex_);
  return published_;
}

}  // namespace webvox::app

namespace webvox::app {

nlohmann::json ViewerService::to_json(const Stats& stats) {
  nlohmann::json out = {{"sessions", stats.sessions},
                        {"rooms", stats.rooms},
                        {"media_up", stats.media_up},
                        {"provisioned", stats.provisioned},
                        {"provision_refused", stats.provision_refused},
                        {"candidates", stats.candidates},
                        {"rtp_in", stats.rtp_in},
                        {"rtp_not_mixed", stats.rtp_not_mixed},
                        {"rtp_malformed", stats.rtp_malformed},
                        {"rtp_operator_muted", stats.rtp_operator_muted},
                        {"mixed_packets_out", stats.mixed_packets_out},
                        {"sldata_in", stats.sldata_in},
                        {"sldata_out", stats.sldata_out},
                        {"mix_delay_p50_ms", stats.mix_delay_p50_ms},
                        {"mix_delay_p99_ms", stats.mix_delay_p99_ms}};
  auto& dropped = out["sldata_dropped"];
  for (std::size_t i = 0; i < stats.sldata_dropped.size(); ++i) {
    dropped[std::string(to_string(static_cast<SlDataDrop>(i)))] = stats.sldata_dropped[i];
  }
  const auto& jitter = stats.speakers.jitter;
  const auto& decode = stats.speakers.decode;
  out["speaker_packets"] = {{"pushed", jitter.pushed},
                            {"played", jitter.played},
                            {"malformed", jitter.malformed},
                            {"late", jitter.late},
                            {"duplicate", jitter.duplicate},
                            {"overflow", jitter.overflow},
                            {"trimmed", jitter.trimmed},
                            {"lost", jitter.lost},
                            {"resyncs", jitter.resyncs},
                            {"decoded", decode.decoded},
                            {"concealed", decode.concealed},
                            {"fec_recovered", decode.fec_recovered},
                            {"decode_error", decode.decode_error},
                            {"skipped_silent", decode.skipped_silent}};
  auto& rooms = out["rooms"];
  rooms = nlohmann::json::array();
  for (const auto& room : stats.room_list) {
    rooms.push_back({{"id", room.id},
                     {"sessions", room.sessions},
                     {"browser_speakers", room.browser_speakers},
                     {"channel_uri", room.channel_uri}});
  }
  auto& ended = out["ended"];
  for (std::size_t i = 0; i < stats.ended.size(); ++i) {
    ended[std::string(to_string(static_cast<ViewerSessionEnd>(i)))] = stats.ended[i];
  }
  return out;
}

}  // namespace webvox::app
