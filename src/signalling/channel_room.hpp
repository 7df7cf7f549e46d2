#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/steady_time.hpp"
#include "core/channel_properties.hpp"
#include "core/forwarding_policy.hpp"
#include "core/hearing.hpp"
#include "signalling/peer_link.hpp"
#include "signalling/server_message.hpp"

namespace webvox::signalling {

// The live state of one channel: its members, their positions and floor, and who hears whom.
// Not thread-safe: the hub serialises access.
class ChannelRoom {
 public:
  ChannelRoom(core::ChannelProperties properties, core::ForwardingMode forwarding);

  const core::ChannelProperties& properties() const { return properties_; }
  // How media flows among the members now; the hub decides, the room only remembers.
  core::ForwardingMode forwarding() const { return forwarding_; }
  void set_forwarding(core::ForwardingMode forwarding) { forwarding_ = forwarding; }
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }
  // Members that are viewers (MemberInfo::viewer), not WebSocket clients.
  std::size_t viewer_count() const;
  bool contains(const std::string& member) const { return entries_.contains(member); }
  const MemberInfo* find(const std::string& member) const;
  std::vector<MemberInfo> members() const;
  // Another connection of `account` in this room, if any.
  std::optional<std::string> other_connection_of(const std::string& account,
                                                 const std::string& except) const;

  // Adds a member (its floor set by the channel's mode) and tells the others. Returns how the
  // newcomer is seen and, from now, whom it hears: `joined` must carry exactly that.
  struct Admission {
    MemberInfo self;
    core::Hearing hearing;
  };
  Admission admit(MemberInfo self, std::shared_ptr<PeerLink> link);
  // Removes a member and tells the others.
  void remove(const std::string& member);

  bool send_to(const std::string& member, const std::string& message) const;
  void close_member(const std::string& member, std::uint16_t code, std::string reason) const;
  void broadcast(const std::string& except, const std::string& message) const;

  void update_state(const std::string& member, std::optional<bool> muted,
                    std::optional<bool> speaking);
  // The grid's operator silences (or lets speak again) a member: everyone, the member too,
  // gets its `member-state`. False when it is not here.
  bool set_operator_muted(const std::string& member, bool muted);
  enum class FloorResult { Changed, Forbidden, UnknownMember, NotModerated };
  FloorResult set_floor(const std::string& by, const std::string& target, bool granted);
  void set_hand(const std::string& member, bool raised);

  // False when the position was ignored: the world places this member for now.
  bool place(const std::string& member, const core::Position& position, base::SteadyTime now);
  // Places every connection of `account`, taking precedence over client positions until
  // `precedence_until`.
  void place_from_world(const std::string& account, const core::Position& position,
                        base::SteadyTime precedence_until);

  // Sends every member whose view changed a `positions` message (docs/signalling.md):
  // positions changed since its last one, and its audible and listener lists.
  void push_positions();
  bool has_pending_positions() const { return dirty_; }

 private:
  struct Entry {
    MemberInfo info;
    std::shared_ptr<PeerLink> link;
    std::uint64_t position_version = 0;  // version_ when its position last changed
    std::uint64_t seen_version = 0;      // version_ when it last got `positions`
    core::Hearing last_hearing;          // as last sent to it
    base::SteadyTime world_until;        // client positions are ignored before this time
  };

  void set_position(Entry& entry, const PlacedPosition& placed);
  void announce_state(const Entry& entry) const;
  std::vector<core::Hearing> decide() const;

  core::ChannelProperties properties_;
  core::ForwardingMode forwarding_;
  std::map<std::string, Entry> entries_;  // ordered: hearing lists come out sorted
  std::uint64_t version_ = 0;
  bool dirty_ = false;
};

}  // namespace webvox::signalling
