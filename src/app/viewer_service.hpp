#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/media_host.hpp"
#include "core/channel.hpp"
#include "core/position.hpp"
#include "world/region_directory.hpp"
#include "core/channel_properties.hpp"
#include "mixer/delay_histogram.hpp"
#include "mixer/room_mixer.hpp"
#include "rtc/sctp/sctp_association.hpp"
#include "viewer/roster.hpp"
#include "signalling/rejoin_cooldown.hpp"
#include "viewer/viewer_voice.hpp"

namespace webvox::signalling {
class SignallingHub;
}

namespace webvox::app {

class SfuService;

// Why a viewer's SLData message was not acted on (each counted on its own).
enum class SlDataDrop : std::size_t {
  Binary,          // the viewer sends text only; binary messages are not read
  TooLarge,        // over viewer::SlDataLimits::kMaxMessageBytes
  NotJson,         // not one JSON text, or not an object
  BadValue,        // a position, rotation, join, gain or mute of the wrong shape
  TooManyEntries,  // "ug" or "m" with more entries than allowed
  SkippedEntries,  // entries of "ug"/"m" left out (bad or nil agent keys, bad values)
  OtherChannel,    // on a data channel other than SLData
  kCount,
};
std::string_view to_string(SlDataDrop drop);

// Why a viewer session ended.
enum class ViewerSessionEnd : std::size_t {
  Logout,          // the viewer (through a door) said so
  Replaced,        // a newer provision of the same agent in the same room
  ConnectTimeout,  // ICE and DTLS were not up within Settings::connect_timeout
  Silent,          // nothing from the viewer (no consent checks) for Settings::silence_timeout
  Kicked,          // the grid's operator removed the agent from the channel (docs/admin.md)
  Closed,          // the grid's operator closed the channel
  kCount,
};
std::string_view to_string(ViewerSessionEnd end);

// Voice inside SL viewers, behind os-webrtc-janus (docs/viewers.md): the ViewerVoice that
// both front doors call. Each viewer connection is a WebRTC session on the shared media port
// (ICE-lite, DTLS-SRTP, the viewer's SLData data channel); sessions of one voice room (a
// region's estate voice, a parcel's, a group call) share a mixer that sends each listener one
// stereo Opus stream of the speakers it hears, placed relative to its ears, and a roster that
// tells each viewer who is there and who speaks. Everything runs on the MediaHost's thread;
// the ViewerVoice calls are posted there.
class ViewerService final : public viewer::ViewerVoice {
 public:
  struct Settings {
    std::size_t max_sessions = 2000;
    std::size_t max_sessions_per_room = 500;
    // ICE and DTLS must be up this long after the answer went out.
    std::chrono::seconds connect_timeout{20};
    // Viewers send ICE consent checks every few seconds (RFC 7675 asks for one at least every
    // 5 s): a session that sends nothing at all for this long is gone.
    std::chrono::seconds silence_timeout{30};
    std::string server_version = "webvox";  // "V" in SLData
  };

  // What a room is made with: its distance model (the channel's properties where the region
  // module made one, else the module's defaults) and the browser channel it is bridged to.
  struct RoomSetup {
    core::ChannelProperties properties;
    std::optional<core::ChannelId> channel;  // none: viewers only
    std::string channel_uri;
  };
  // One world with browser residents (docs/viewers.md): the forwarding and signalling of the
  // channels rooms are bridged to, and where regions are. All null: no bridging. `setup` is
  // called on the thread of the provision call (it may touch the store).
  struct OneWorld {
    std::function<RoomSetup(const viewer::RoomKey&)> setup;
    SfuService* forwarding = nullptr;
    signalling::SignallingHub* hub = nullptr;
    world::RegionDirectory* regions = nullptr;
    // Runs the hub calls (joins, positions, leaves of bridged viewers) off the media thread,
    // in order: the hub's lock is also taken by browser work, and the mix must never wait on
    // it. main passes a strand of the network threads; empty: called in place.
    std::function<void(std::function<void()>)> to_hub;
  };

  struct Stats {
    std::size_t sessions = 0;
    std::size_t rooms = 0;
    std::size_t media_up = 0;
    std::uint64_t provisioned = 0;
    std::uint64_t provision_refused = 0;
    std::uint64_t candidates = 0;
    std::uint64_t rtp_in = 0;
    std::uint64_t rtp_not_mixed = 0;  // from a session that does not count (not primary)
    std::uint64_t rtp_malformed = 0;
    std::uint64_t rtp_operator_muted = 0;  // from an agent the grid's operator muted
    std::uint64_t mixed_packets_out = 0;
    std::uint64_t sldata_in = 0;
    std::uint64_t sldata_out = 0;
    std::array<std::uint64_t, static_cast<std::size_t>(SlDataDrop::kCount)> sldata_dropped{};
    std::array<std::uint64_t, static_cast<std::size_t>(ViewerSessionEnd::kCount)> ended{};
    // Arrival of a speaker's packet to the departure of the mixed frame that carries it, over
    // every room since start, in milliseconds.
    double mix_delay_p50_ms = 0;
    double mix_delay_p99_ms = 0;
    mixer::DelayHistogram mix_delay;  // the samples behind the two percentiles
    // What became of the speakers' packets (jitter buffers, decoding), every room since start.
    mixer::SpeakerStats speakers;
    struct RoomInfo {
      std::string id;
      std::size_t sessions = 0;
      std::size_t browser_speakers = 0;
      std::string channel_uri;  // empty: not bridged
    };
    std::vector<RoomInfo> room_list;
  };

  ViewerService(MediaHost& host, Settings settings, OneWorld world);
  // Viewers only: nothing bridged to browsers.
  ViewerService(MediaHost& host, Settings settings);
  ~ViewerService() override;

  void provision(viewer::ProvisionRequest request,
                 std::function<void(viewer::ProvisionOutcome)> done) override;
  void trickle(const std::string& viewer_session, std::vector<rtc::sdp::Candidate> candidates,
               bool completed) override;
  void logout(const std::string& agent_id, const std::string& viewer_session) override;
  void logout_all(const std::string& agent_id) override;

  // The grid's operator (docs/admin.md), for the agents in the rooms bridged to `channel`:
  // ends their sessions (the viewer is told the call ended); a kicked agent's provisions into
  // those rooms are refused for `cooldown`.
  void kick(core::ChannelId channel, const std::string& agent, std::chrono::seconds cooldown);
  void close_channel(core::ChannelId channel);
  // None of the agent's packets reach the mix (nor, through the forwarding, browsers) while
  // muted. The hub keeps the mute; each session that joins the channel takes it from there
  // (until then a new session takes what it last was here).
  void set_operator_muted(core::ChannelId channel, const std::string& agent, bool muted);
  static constexpr std::size_t kMaxOperatorMuted = 10000;

  // As of the last media tick (20 ms); callable from any thread.
  Stats stats() const;
  // The same as JSON, with every drop and end reason by name (GET /admin/viewer-voice).
  static nlohmann::json to_json(const Stats& stats);

 private:
  struct Session;
  struct Room;
  class RoomBridge;

  void provision_on_media_thread(viewer::ProvisionRequest& request, const RoomSetup& setup,
                                 const std::function<void(viewer::ProvisionOutcome)>& done);
  Room& room_for(const viewer::RoomKey& key, const RoomSetup& setup);
  void close_room(Room& room);
  // One world: the viewer's agent as a member of the bridged channel while it counts here.
  void bridge_agent(Session& session, bool counts);
  void bridge_pose(Session& session);
  void with_hub(std::function<void()> call);
  std::optional<world::RegionCorner> corner_of(const Room& room) const;
  std::optional<core::Position> local_position(Room& room, const core::Vec3& global,
                                               const std::optional<core::Quaternion>& heading);
  void end(Session& session, ViewerSessionEnd why);
  void on_rtp(Session& session, std::span<std::uint8_t> packet);
  void on_data_channel(Session& session, rtc::SctpAssociation::Event event);
  void on_sl_data(Session& session, std::string_view text);
  void apply_counting(Session& session);
  void apply_pose(Session& session);
  void send_roster(Room& room, std::vector<viewer::RosterMessage> messages);
  void tick(std::chrono::steady_clock::time_point now);
  void mix(Room& room, std::chrono::steady_clock::time_point now);
  void send_reports(Session& session, std::chrono::steady_clock::time_point now);
  void drop_sl_data(Session& session, SlDataDrop why);
  void publish_stats();

  // Media thread: the mute of the agent's sessions in rooms bridged to `channel`, and of its
  // later ones there.
  void apply_operator_muted(core::ChannelId channel, const std::string& agent, bool muted);
  // Ends every session in the rooms bridged to `channel` for which `which` is true.
  void end_in_channel(core::ChannelId channel, ViewerSessionEnd why,
                      const std::function<bool(const Session&)>& which);

  MediaHost& host_;
  Settings settings_;
  OneWorld world_;
  signalling::RejoinCooldown kicked_;                                   // media thread
  std::set<std::pair<core::ChannelId, std::string>> operator_muted_;    // media thread
  std::unordered_map<std::string, std::unique_ptr<Session>> sessions_;  // by viewer_session
  std::map<viewer::RoomKey, std::unique_ptr<Room>> rooms_;
  std::uint64_t next_number_ = 1;              // mixer speaker/listener ids
  std::vector<std::uint8_t> packet_;           // one outgoing RTP packet, reused
  mixer::DelayHistogram delays_;               // arrival to departure, every room since start
  Stats counters_;                             // media thread
  mixer::SpeakerStats closed_rooms_speakers_;  // media thread: rooms closed since start
  mutable std::mutex stats_mutex_;
  Stats published_;
};

}  // namespace webvox::app
