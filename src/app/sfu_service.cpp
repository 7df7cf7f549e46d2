#include "app/sfu_service.hpp"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <set>

#include "rtc/rtp/ntp_time.hpp"
#include "sfu/negotiation.hpp"
#include "signalling/server_message.hpp"

namespace webvox::app {

using nlohmann::json;

// Forwarded packets for one listener: encrypted by its transport, sent in the edge's batch.
class TransportSink final : public sfu::PacketSink {
 public:
  TransportSink(rtc::MediaTransport& transport, media::MediaRouter& router, sfu::MemberRtcp& rtcp)
      : transport_(transport), router_(router), rtcp_(rtcp) {}
  void send_rtp(std::span<std::uint8_t> buffer, std::size_t length) override {
    // Counted as sent before encryption changes the payload in place.
    rtcp_.on_rtp_sent(buffer.first(length), std::chrono::steady_clock::now());
    if (transport_.send_rtp(buffer, length)) router_.flush(transport_);
  }

 private:
  rtc::MediaTransport& transport_;
  media::MediaRouter& router_;
  sfu::MemberRtcp& rtcp_;
};

struct SfuService::Member {
  std::shared_ptr<rtc::MediaTransport> transport;
  std::shared_ptr<sfu::MemberRtcp> rtcp;
  std::unique_ptr<TransportSink> sink;
  std::shared_ptr<signalling::PeerLink> link;
  std::vector<signalling::ReceiveSlot> slots;  // as the member was last told
};

struct SfuService::Room {
  // Made by the first offer, which brings the channel's properties and extension ids;
  // positions and floor changes may come before it.
  std::unique_ptr<sfu::SfuRoom> sfu_room;
  std::map<std::string, Member> members;
  // Facts that may arrive before a member negotiates.
  std::map<std::string, core::Position> positions;
  std::map<std::string, bool> floors;
  // Members the grid's operator muted: none of their packets are carried.
  std::set<std::string> silenced;
  // Speakers heard through this room whose packets come from elsewhere (add_relayed).
  std::set<std::string> relayed;
  SfuBridge* bridge = nullptr;

  bool unused() const {
    return members.empty() && positions.empty() && floors.empty() && silenced.empty() &&
           relayed.empty() && !bridge;
  }
};

SfuService::SfuService(Settings settings)
    : own_host_(std::make_unique<MediaHost>(settings)),
      host_(*own_host_),
      slots_(settings.slots),
      router_(host_.router()),
      decide_timer_(host_.io()) {
  host_.add_tick_handler([this](auto now) { send_reports(now); });
  schedule_decide();
  host_.start();
}

SfuService::SfuService(MediaHost& host, std::size_t slots)
    : host_(host), slots_(slots), router_(host_.router()), decide_timer_(host_.io()) {
  host_.add_tick_handler([this](auto now) { send_reports(now); });
  schedule_decide();
}

SfuService::~SfuService() {
  // The host's thread may still run our handlers: stop it before our members go. A shared
  // host is stopped by its owner first.
  if (own_host_) own_host_->stop();
}

void SfuService::negotiate(core::ChannelId channel, const core::ChannelProperties& properties,
                           const std::string& member, core::Role role, std::string sdp,
                           std::shared_ptr<signalling::PeerLink> link, json id) {
  host_.post([=, this, sdp = std::move(sdp), link = std::move(link), id = std::move(id)] {
    negotiate_on_media_thread(channel, properties, member, role, sdp, link, id);
  });
}

void SfuService::negotiate_on_media_thread(core::ChannelId channel,
                                           const core::ChannelProperties& properties,
                                           const std::string& member, core::Role role,
                                           const std::string& sdp,
                                           const std::shared_ptr<signalling::PeerLink>& link,
                                           const json& id) {
  const auto local_ice = MediaHost::new_ice_credentials();
  auto negotiated =
      sfu::negotiate(sdp, {host_.answer_transport(local_ice), slots_, MediaHost::random_ssrc()},
                     &MediaHost::random_ssrc);
  if (!negotiated) {
    const auto& error = negotiated.error();
    return link->send(signalling::error_message(id, sfu::to_string(error.code), error.message));
  }
  auto& room = room_for(channel, properties);
  drop(room, member);  // a new offer replaces the member's previous connection
  const auto tally = tally_for(channel, member);

  // Shared with the transport's handlers, which may outlive the member entry by a packet.
  const auto rtcp = std::make_shared<sfu::MemberRtcp>(negotiated->rtcp, MediaHost::random_ssrc(),
                                                      std::chrono::steady_clock::now());
  const auto transport = std::make_shared<rtc::MediaTransport>(
      rtc::MediaTransportSettings{&host_.certificate(),
                                  negotiated->server_setup == rtc::sdp::SetupRole::Passive
                                      ? rtc::DtlsRole::Server
                                      : rtc::DtlsRole::Client,
                                  fingerprint_digest_text(negotiated->remote_fingerprint),
                                  local_ice, negotiated->remote_ufrag, negotiated->data_channels},
      rtc::MediaTransport::Handlers{
          nullptr,
          [this, channel, speaker = member, rtcp, tally,
           format = negotiated->format](std::span<std::uint8_t> packet) {
            const auto now = std::chrono::steady_clock::now();
            rtcp->on_rtp_received(packet, now);
            const auto it = rooms_.find(channel);
            if (it == rooms_.end() || !admit_speaker(*it->second, speaker, *tally)) return;
            it->second->sfu_room->on_rtp(speaker, packet, now);
            if (it->second->bridge) it->second->bridge->on_member_rtp(speaker, format, packet, now);
          },
          // Terminated here: reports and feedback are about this connection's streams.
          [rtcp](std::span<std::uint8_t> packet) {
            rtcp->on_rtcp(packet, std::chrono::steady_clock::now());
          },
          nullptr});

  Member entry;
  entry.transport = transport;
  entry.sink = std::make_unique<TransportSink>(*transport, router_, *rtcp);
  entry.rtcp = rtcp;
  entry.link = link;
  for (const auto& mid : negotiated->slot_mids) entry.slots.push_back({mid, std::nullopt});
  room.sfu_room->add(member, *entry.sink, negotiated->slot_ssrcs, role, negotiated->format);
  apply_known_facts(room, member);
  router_.add(transport);
  room.members[member] = std::move(entry);
  link->send(signalling::sfu_answer_message(id, negotiated->answer));
}

SfuService::Room& SfuService::room_for(core::ChannelId channel,
                                       const core::ChannelProperties& properties) {
  auto& room = rooms_[channel];
  if (!room) room = std::make_unique<Room>();
  if (!room->sfu_room) {
    sfu::SfuRoomSettings settings;
    settings.slots.slots = slots_;
    room->sfu_room = std::make_unique<sfu::SfuRoom>(properties, settings);
  }
  return *room;
}

void SfuService::apply_known_facts(Room& room, const std::string& member) {
  if (const auto p = room.positions.find(member); p != room.positions.end()) {
    room.sfu_room->place(member, p->second);
  }
  if (const auto f = room.floors.find(member); f != room.floors.end()) {
    room.sfu_room->set_floor(member, f->second);
  }
}

void SfuService::drop(Room& room, const std::string& member) {
  if (room.relayed.erase(member) > 0 && room.sfu_room) room.sfu_room->remove(member);
  const auto it = room.members.find(member);
  if (it == room.members.end() || !room.sfu_room) return;
  room.sfu_room->remove(member);
  router_.remove(it->second.transport->ice().local().ufrag);
  closed_rtcp_ += it->second.rtcp->counters();
  room.members.erase(it);
}

void SfuService::erase_room(std::map<core::ChannelId, std::unique_ptr<Room>>::iterator room) {
  if (room->second->sfu_room) closed_forwarding_ += room->second->sfu_room->counters();
  rooms_.erase(room);
}

SfuService::Stats SfuService::stats() const {
  Stats stats;
  stats.forwarding = closed_forwarding_;
  stats.rtcp = closed_rtcp_;
  for (const auto& [channel, room] : rooms_) {
    if (room->sfu_room) {
      ++stats.rooms;
      stats.forwarding += room->sfu_room->counters();
    }
    stats.members += room->members.size();
    stats.relayed += room->relayed.size();
    for (const auto& [id, member] : room->members) stats.rtcp += member.rtcp->counters();
  }
  return stats;
}

namespace {

// Where a relayed speaker's packets would go as a listener: it never is one (no slots).
class NoSink final : public sfu::PacketSink {
 public:
  void send_rtp(std::span<std::uint8_t>, std::size_t) override {}
};
NoSink no_sink;

}  // namespace

void SfuService::set_bridge(core::ChannelId channel, SfuBridge* bridge) {
  auto& room = rooms_[channel];
  if (!room) room = std::make_unique<Room>();
  room->bridge = bridge;
  if (!bridge) {
    if (room->unused()) erase_room(rooms_.find(channel));
    return;
  }
  // Browser members placed before the bridge came: the viewers' side learns where they are.
  for (const auto& [member, position] : room->positions) {
    if (!room->relayed.contains(member)) bridge->on_member_placed(member, position);
  }
}

void SfuService::add_relayed(core::ChannelId channel, const core::ChannelProperties& properties,
                             const std::string& member, sfu::MemberFormat format) {
  auto& room = room_for(channel, properties);
  if (!room.relayed.insert(member).second) return;
  tally_for(channel, member);
  room.sfu_room->add(member, no_sink, {}, core::Role::Participant, format);
  apply_known_facts(room, member);
}

void SfuService::relay_rtp(core::ChannelId channel, const std::string& member,
                           std::span<const std::uint8_t> packet,
                           std::chrono::steady_clock::time_point now) {
  const auto it = rooms_.find(channel);
  if (it == rooms_.end() || !it->second->relayed.contains(member)) return;
  if (!admit_speaker(*it->second, member, *tally_for(channel, member))) return;
  it->second->sfu_room->on_rtp(member, packet, now);
}

std::shared_ptr<SfuService::SpeakerTally> SfuService::tally_for(core::ChannelId channel,
                                                                const std::string& member) {
  std::lock_guard lock(tallies_mutex_);
  auto& tally = tallies_[{channel, member}];
  if (!tally) tally = std::make_shared<SpeakerTally>();
  return tally;
}

bool SfuService::admit_speaker(const Room& room, const std::string& member, SpeakerTally& tally) {
  if (room.silenced.contains(member)) {
    tally.silenced.fetch_add(1);
    return false;
  }
  tally.carried.fetch_add(1);
  return true;
}

std::optional<SfuService::SpeakerCounts> SfuService::speaker_counts(
    core::ChannelId channel, const std::string& member) const {
  std::lock_guard lock(tallies_mutex_);
  const auto it = tallies_.find({channel, member});
  if (it == tallies_.end()) return std::nullopt;
  // Silenced first: once a silenced packet is seen the mute is in force, and the carried
  // count read after it is final until unmuted.
  const auto silenced = it->second->silenced.load();
  return SpeakerCounts{it->second->carried.load(), silenced};
}

void SfuService::set_silenced(core::ChannelId channel, const std::string& member, bool silenced) {
  host_.post([=, this] {
    auto& room = rooms_[channel];
    if (!room) room = std::make_unique<Room>();
    if (silenced) {
      room->silenced.insert(member);  // kept for an offer that comes later, like floors
    } else {
      room->silenced.erase(member);
      if (room->unused()) rooms_.erase(channel);
    }
  });
}

void SfuService::leave(core::ChannelId channel, const std::string& member) {
  host_.post([=, this] {
    const auto it = rooms_.find(channel);
    if (it == rooms_.end()) return;
    const bool relayed = it->second->relayed.contains(member);
    drop(*it->second, member);
    if (it->second->bridge && !relayed) it->second->bridge->on_member_left(member);
    it->second->positions.erase(member);
    it->second->floors.erase(member);
    it->second->silenced.erase(member);
    {
      std::lock_guard lock(tallies_mutex_);
      tallies_.erase({channel, member});
    }
    const auto forwarded = it->second->sfu_room ? it->second->sfu_room->size() : 0;
    if (it->second->unused()) erase_room(it);
    // What is left once a member is gone (tests wait for this line to see nothing leaks).
    spdlog::info(
        "sfu: {} left channel {}: {} forwarded there, {} channel(s), {} connection(s) "
        "and {} path(s) on the media port",
        member, channel, forwarded, rooms_.size(), router_.transports(), router_.paths());
  });
}

void SfuService::place(core::ChannelId channel, const std::string& member,
                       const core::Position& position) {
  host_.post([=, this] {
    auto& room = rooms_[channel];
    if (!room) room = std::make_unique<Room>();
    room->positions[member] = position;  // kept for an offer that comes later
    if (room->sfu_room) room->sfu_room->place(member, position);
    if (room->bridge && !room->relayed.contains(member))
      room->bridge->on_member_placed(member, position);
  });
}

void SfuService::set_floor(core::ChannelId channel, const std::string& member, bool floor) {
  host_.post([=, this] {
    auto& room = rooms_[channel];
    if (!room) room = std::make_unique<Room>();
    room->floors[member] = floor;  // kept for an offer that comes later, like positions
    if (room->sfu_room) room->sfu_room->set_floor(member, floor);
  });
}

void SfuService::schedule_decide() {
  decide_timer_.expires_after(kDecideEvery);
  decide_timer_.async_wait([this](const boost::system::error_code& error) {
    if (error) return;
    decide();
    schedule_decide();
  });
}

void SfuService::send_reports(std::chrono::steady_clock::time_point now) {
  const auto ntp = rtc::rtp::to_ntp(std::chrono::system_clock::now());
  for (auto& [channel, room] : rooms_) {
    for (auto& [id, member] : room->members) {
      if (!member.transport->media_ready()) continue;  // no SRTCP keys yet
      for (auto& compound : member.rtcp->due(now, ntp)) {
        const auto length = compound.size();
        compound.resize(length + rtc::SrtpSession::kMaxTrailer);
        member.transport->send_rtcp(compound, length);
      }
      router_.flush(*member.transport);
    }
  }
}

void SfuService::decide() {
  const auto now = std::chrono::steady_clock::now();
  for (auto& [channel, room] : rooms_) {
    if (!room->sfu_room) continue;  // nobody has negotiated yet
    std::set<std::string> changed;
    for (auto& update : room->sfu_room->decide(now)) {
      const auto member = room->members.find(update.listener);
      if (member == room->members.end() || update.slot >= member->second.slots.size()) continue;
      member->second.slots[update.slot].member = std::move(update.speaker);
      changed.insert(update.listener);
    }
    for (const auto& listener : changed) {
      const auto& member = room->members.at(listener);
      member.link->send(signalling::slots_message(member.slots));
    }
  }
}

}  // namespace webvox::app
