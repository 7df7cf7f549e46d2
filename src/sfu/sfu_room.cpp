#include "sfu/sfu_room.hpp"

#include <algorithm>

#include "rtc/rtp/audio_level.hpp"
#include "rtc/rtp/rtp_packet.hpp"
#include "rtc/rtp/rtp_rewrite.hpp"

namespace webvox::sfu {

struct SfuRoom::Member {
  std::string id;
  PacketSink* sink = nullptr;
  std::vector<std::uint32_t> slot_ssrcs;
  core::HearingMember hearing;
  AudioLevelTracker level;
  SlotAllocator allocator;
  std::vector<rtc::rtp::SlotSequencer> sequencers;  // one per slot
  std::vector<Route> routes;  // as a speaker: the listeners' slots it is on now
  MemberFormat format;

  Member(std::string member, PacketSink& packet_sink, std::vector<std::uint32_t> ssrcs,
         core::Role role, const SlotAllocator::Settings& slot_settings)
      : id(std::move(member)),
        sink(&packet_sink),
        slot_ssrcs(std::move(ssrcs)),
        hearing{id, role, true, std::nullopt},
        allocator([&] {
          auto settings = slot_settings;
          settings.slots = slot_ssrcs.size();
          return settings;
        }()),
        sequencers(slot_ssrcs.size()) {}
};

SfuRoom::SfuRoom(core::ChannelProperties channel, SfuRoomSettings settings)
    : channel_(channel), settings_(settings) {}

SfuRoom::~SfuRoom() = default;

SfuRoom::Member* SfuRoom::find(const std::string& member) {
  const auto it = members_.find(member);
  return it == members_.end() ? nullptr : it->second.get();
}

void SfuRoom::add(const std::string& member, PacketSink& sink,
                  std::vector<std::uint32_t> slot_ssrcs, core::Role role, MemberFormat format) {
  auto entry = std::make_unique<Member>(member, sink, std::move(slot_ssrcs), role, settings_.slots);
  entry->format = format;
  entry->hearing.floor = core::has_floor_on_join(channel_.mode, role);
  members_[member] = std::move(entry);
}

void SfuRoom::remove(const std::string& member) {
  if (members_.erase(member) > 0) rebuild_routes();  // routes point at members
}

void SfuRoom::place(const std::string& member, const core::Position& position) {
  if (auto* entry = find(member)) entry->hearing.position = position;
}

SfuRoom::Counters& SfuRoom::Counters::operator+=(const Counters& other) {
  received += other.received;
  forwarded += other.forwarded;
  forwarded_bytes += other.forwarded_bytes;
  malformed += other.malformed;
  unknown_speaker += other.unknown_speaker;
  unrouted += other.unrouted;
  not_opus += other.not_opus;
  slot_duplicate += other.slot_duplicate;
  slot_older_than_switch += other.slot_older_than_switch;
  slot_too_late += other.slot_too_late;
  slot_from_former_source += other.slot_from_former_source;
  return *this;
}

void SfuRoom::set_floor(const std::string& member, bool floor) {
  if (auto* entry = find(member)) entry->hearing.floor = floor;
}

void SfuRoom::on_rtp(const std::string& speaker, std::span<const std::uint8_t> packet,
                     Clock::time_point now) {
  ++counters_.received;
  auto* entry = find(speaker);
  if (!entry) {
    ++counters_.unknown_speaker;
    return;
  }
  const auto view = rtc::rtp::parse_rtp_packet(packet);
  if (!view) {
    ++counters_.malformed;
    return;
  }
  if (view->payload_type != entry->format.opus_payload_type) {
    ++counters_.not_opus;
    return;
  }
  if (const auto level =
          rtc::rtp::read_audio_level(*view, entry->format.audio_level_extension_id)) {
    entry->level.on_packet(level->level_minus_dbov, now);
  }
  if (entry->routes.empty()) {
    ++counters_.unrouted;
    return;
  }
  for (const auto& route : entry->routes) {
    forward(route, packet, view->ssrc, view->sequence_number, view->timestamp, now);
  }
}

void SfuRoom::forward(const Route& route, std::span<const std::uint8_t> packet,
                      std::uint32_t source_ssrc, std::uint16_t sequence, std::uint32_t timestamp,
                      Clock::time_point now) {
  auto& listener = *route.listener;
  const auto mapped = listener.sequencers[route.slot].map({source_ssrc, sequence, timestamp}, now);
  if (!mapped) {
    // Duplicate, late, or from before the switch: the receiver needs none.
    switch (mapped.error()) {
      case rtc::rtp::SlotDrop::Duplicate:
        ++counters_.slot_duplicate;
        break;
      case rtc::rtp::SlotDrop::OlderThanSwitch:
        ++counters_.slot_older_than_switch;
        break;
      case rtc::rtp::SlotDrop::TooLate:
        ++counters_.slot_too_late;
        break;
      case rtc::rtp::SlotDrop::FromFormerSource:
        ++counters_.slot_from_former_source;
        break;
    }
    return;
  }
  scratch_.resize(packet.size() + settings_.trailer_room);
  std::copy(packet.begin(), packet.end(), scratch_.begin());
  const std::span<std::uint8_t> out(scratch_.data(), packet.size());
  rtc::rtp::set_ssrc(out, listener.slot_ssrcs[route.slot]);
  rtc::rtp::set_payload_type(out, listener.format.opus_payload_type);
  rtc::rtp::set_sequence_number(out, mapped->sequence_number);
  rtc::rtp::set_timestamp(out, mapped->timestamp);
  if (mapped->source_switched) rtc::rtp::set_marker(out, true);
  listener.sink->send_rtp(scratch_, packet.size());
  ++counters_.forwarded;
  counters_.forwarded_bytes += packet.size();
}

std::vector<SfuRoom::SlotUpdate> SfuRoom::decide(Clock::time_point now) {
  // Every pair, as core::decide_hearing decides it, but without building its id lists: with
  // 200 members this runs 40,000 times per tick, on the thread that forwards.
  std::vector<SlotUpdate> updates;
  std::vector<SlotCandidate> candidates;
  for (auto& [id, listener] : members_) {
    // A member with no receive slots (a viewer relayed from the mixer) is no listener here.
    if (listener->slot_ssrcs.empty()) continue;
    candidates.clear();
    for (const auto& [speaker_id, speaker] : members_) {
      if (core::hearing_gain(channel_, speaker->hearing, listener->hearing) <= 0.0) continue;
      candidates.push_back(
          {speaker_id, speaker->level.level_dbov(), speaker->level.silent_for(now)});
    }
    for (auto& change : listener->allocator.update(candidates, now)) {
      updates.push_back({id, change.slot, std::move(change.next)});
    }
  }
  if (!updates.empty()) rebuild_routes();
  return updates;
}

void SfuRoom::rebuild_routes() {
  for (auto& [id, member] : members_) member->routes.clear();
  for (auto& [id, listener] : members_) {
    const auto& occupants = listener->allocator.slots();
    for (std::size_t slot = 0; slot < occupants.size(); ++slot) {
      if (!occupants[slot]) continue;
      if (auto* speaker = find(*occupants[slot])) speaker->routes.push_back({listener.get(), slot});
    }
  }
}

}  // namespace webvox::sfu
