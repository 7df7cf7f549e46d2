#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/account_service.hpp"
#include "core/channel_service.hpp"
#include "core/join_token.hpp"
#include "core/position.hpp"
#include "signalling/channel_room.hpp"
#include "signalling/ice_servers.hpp"
#include "signalling/media_forwarding.hpp"
#include "signalling/peer_link.hpp"
#include "signalling/server_message.hpp"

namespace webvox::signalling {

class SignallingSession;

struct SignallingContext {
  core::AccountService& accounts;
  core::ChannelService& channels;
  const core::JoinTokenSigner& join_tokens;
  IceServerConfig ice;
  std::string realm;
  std::size_t max_members_per_channel = 32;
  // Set when voice goes through the server (media-mode sfu); none: peer-to-peer mesh.
  MediaForwarding* forwarding = nullptr;
};

// Who is in which channel, and delivery between them. Thread-safe: each connection's session
// calls in from its own strand. Messages only ever reach members of the sender's channel.
class SignallingHub {
 public:
  explicit SignallingHub(SignallingContext context);

  // A new connection, with a fresh member id; `link` receives what is addressed to it.
  std::shared_ptr<SignallingSession> connect(std::shared_ptr<PeerLink> link);
  const SignallingContext& context() const { return context_; }

  struct JoinOutcome {
    bool full = false;
    MemberInfo self;  // as the others see it: floor by the channel's mode, position if known
    std::vector<MemberInfo> others;
    core::Hearing hearing;
  };
  // Adds the member and tells the others. An older connection of the same account in the
  // channel is replaced: told so, closed and removed. `joined` builds the newcomer's reply,
  // which is sent before anything else that concerns the channel can reach it. The member
  // leaves `previous` only once admitted, and before `joined` goes out, so a full channel
  // costs no membership and nothing of the old channel follows `joined`.
  JoinOutcome join(core::ChannelId channel, const core::ChannelProperties& properties,
                   MemberInfo self, std::shared_ptr<PeerLink> link,
                   std::optional<core::ChannelId> previous, double now,
                   const std::function<std::string(const JoinOutcome&)>& joined);
  void leave(core::ChannelId channel, const std::string& member);
  // False if `to` is not in the channel.
  bool relay(core::ChannelId channel, const std::string& from, const std::string& to,
             const nlohmann::json& data);
  void update_state(core::ChannelId channel, const std::string& member, std::optional<bool> muted,
                    std::optional<bool> speaking);
  ChannelRoom::FloorResult set_floor(core::ChannelId channel, const std::string& by,
                                     const std::string& target, bool granted);
  void set_hand(core::ChannelId channel, const std::string& member, bool raised);
  // A position a client reports for itself; false if ignored (the world places it now).
  bool place(core::ChannelId channel, const std::string& member, const core::Position& position,
             double now);

  // A position reported from the world (an in-world HUD, docs/world.md) for every connection
  // of `account`. It takes precedence over what those clients send themselves for
  // kWorldPrecedenceSeconds, and is remembered for kPendingWorldSeconds so that a
  // connection joining shortly after is placed at once. `now`: monotonic seconds.
  void place_from_world(const std::string& account, const core::Position& position, double now);
  static constexpr double kWorldPrecedenceSeconds = 10;
  static constexpr double kPendingWorldSeconds = 60;
  static constexpr std::size_t kMaxPendingWorldPositions = 100000;

  // Sends the position updates gathered since the last call; the edge calls it on a timer,
  // which bounds how often clients get `positions` (docs/signalling.md: 10/s).
  void push_positions();
  static constexpr double kPositionPushSeconds = 0.1;

  std::size_t member_count(core::ChannelId channel);

 private:
  struct WorldPosition {
    core::Position position;
    double received = 0;
  };

  // Call with mutex_ held.
  void remove_locked(core::ChannelId channel, const std::string& member);
  ChannelRoom* room_locked(core::ChannelId channel);
  void remember_world_position_locked(const std::string& account, const core::Position& position,
                                      double now);

  SignallingContext context_;
  std::mutex mutex_;
  std::unordered_map<core::ChannelId, ChannelRoom> rooms_;
  std::unordered_map<std::string, WorldPosition> world_positions_;  // by account
};

}  // namespace webvox::signalling
