#pragma once

#include <boost/asio/steady_timer.hpp>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "app/media_host.hpp"
#include "sfu/sfu_room.hpp"
#include "sfu/member_rtcp.hpp"
#include "signalling/sfu_control.hpp"

namespace webvox::app {

// A channel whose room also holds a viewer voice room (docs/viewers.md, "One world"): what the
// SFU tells the viewer side of the browser members. Called on the media thread.
class SfuBridge {
 public:
  virtual ~SfuBridge() = default;
  // A browser member's decrypted RTP packet (its microphone), in the member's own format.
  virtual void on_member_rtp(const std::string& member, const sfu::MemberFormat& format,
                             std::span<const std::uint8_t> packet,
                             std::chrono::steady_clock::time_point now) = 0;
  virtual void on_member_placed(const std::string& member, const core::Position& position) = 0;
  virtual void on_member_left(const std::string& member) = 0;
};

// Server-forwarded voice: answers each member's offer (sfu::negotiate) and wires its WebRTC
// connection, keeps one sfu::SfuRoom per channel, and tells listeners which member is on which
// slot. It lives on a MediaHost (the media thread, its UDP port and ICE-TCP fallback port); the
// signalling side calls in from anywhere and the calls are posted there.
class SfuService final : public signalling::SfuControl {
 public:
  // A service with a media host of its own (tests, tools).
  struct Settings : MediaHost::Settings {
    std::size_t slots = 8;
  };
  static constexpr auto kDecideEvery = std::chrono::milliseconds(50);

  // On its own media host, started at once.
  explicit SfuService(Settings settings);
  // On a shared host (webvoxd's), which the caller starts once every service is made.
  SfuService(MediaHost& host, std::size_t slots);
  ~SfuService() override;

  std::uint16_t udp_port() const { return host_.udp_port(); }
  // Nothing when the ICE-TCP fallback is off.
  std::optional<std::uint16_t> tcp_port() const { return host_.tcp_port(); }

  std::size_t slots() const override { return slots_; }
  void negotiate(core::ChannelId channel, const core::ChannelProperties& properties,
                 const std::string& member, core::Role role, std::string sdp,
                 std::shared_ptr<signalling::PeerLink> link, nlohmann::json id) override;
  void leave(core::ChannelId channel, const std::string& member) override;
  void place(core::ChannelId channel, const std::string& member,
             const core::Position& position) override;
  void set_floor(core::ChannelId channel, const std::string& member, bool floor) override;
  void set_silenced(core::ChannelId channel, const std::string& member, bool silenced) override;

  // A speaker's packets since it came to the channel's forwarding: carried (to its listeners'
  // forwarding, and to the viewers' mix of a bridged room) or dropped because the grid's
  // operator muted it. Any thread; nothing for a member the forwarding does not know.
  struct SpeakerCounts {
    std::uint64_t carried = 0;
    std::uint64_t silenced = 0;
  };
  std::optional<SpeakerCounts> speaker_counts(core::ChannelId channel,
                                              const std::string& member) const;

  // Media thread only (the viewer service shares it): a channel bridged to a viewer room.
  // Browser members' packets, positions and departures go to `bridge` (null: no longer).
  void set_bridge(core::ChannelId channel, SfuBridge* bridge);
  // A speaker whose packets come from elsewhere (a viewer, through relay_rtp) rather than
  // from a connection of its own: heard by browser listeners on their slots like any member,
  // never a listener itself. It goes with leave(), like a member.
  void add_relayed(core::ChannelId channel, const core::ChannelProperties& properties,
                   const std::string& member, sfu::MemberFormat format);
  void relay_rtp(core::ChannelId channel, const std::string& member,
                 std::span<const std::uint8_t> packet, std::chrono::steady_clock::time_point now);

  // What the forwarding holds and has done since start, rooms and members gone included.
  struct Stats {
    std::size_t rooms = 0;    // channels with forwarding now
    std::size_t members = 0;  // browser members with a connection to the server
    std::size_t relayed = 0;  // speakers relayed from elsewhere (viewers)
    sfu::SfuRoom::Counters forwarding;
    sfu::MemberRtcp::Counters rtcp;
  };
  // Media thread only (post to the host to ask from elsewhere).
  Stats stats() const;

 private:
  struct Member;
  struct Room;
  struct SpeakerTally {
    std::atomic<std::uint64_t> carried{0};
    std::atomic<std::uint64_t> silenced{0};
  };

  // The member's tally, made when first asked for (media thread).
  std::shared_ptr<SpeakerTally> tally_for(core::ChannelId channel, const std::string& member);
  // Counts the packet and says whether it may be carried (media thread).
  static bool admit_speaker(const Room& room, const std::string& member, SpeakerTally& tally);

  void negotiate_on_media_thread(core::ChannelId channel, const core::ChannelProperties& properties,
                                 const std::string& member, core::Role role, const std::string& sdp,
                                 const std::shared_ptr<signalling::PeerLink>& link,
                                 const nlohmann::json& id);
  void drop(Room& room, const std::string& member);
  // Forgets an unused room, keeping its counters for stats().
  void erase_room(std::map<core::ChannelId, std::unique_ptr<Room>>::iterator room);
  // The position and floor said before `member` was added to the room's forwarding.
  void apply_known_facts(Room& room, const std::string& member);
  Room& room_for(core::ChannelId channel, const core::ChannelProperties& properties);
  void decide();
  void schedule_decide();
  // Each member's RTCP reports that are due (sent encrypted on its path).
  void send_reports(std::chrono::steady_clock::time_point now);

  std::unique_ptr<MediaHost> own_host_;  // only when made from Settings
  MediaHost& host_;
  std::size_t slots_;
  media::MediaRouter& router_;
  boost::asio::steady_timer decide_timer_;
  std::map<core::ChannelId, std::unique_ptr<Room>> rooms_;
  mutable std::mutex tallies_mutex_;
  std::map<std::pair<core::ChannelId, std::string>, std::shared_ptr<SpeakerTally>> tallies_;
  // Of the rooms and members gone (media thread).
  sfu::SfuRoom::Counters closed_forwarding_;
  sfu::MemberRtcp::Counters closed_rtcp_;
};

}  // namespace webvox::app
