#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/steady_time.hpp"
#include "core/account_service.hpp"
#include "core/channel_service.hpp"
#include "core/join_token.hpp"
#include "core/position.hpp"
#include "signalling/channel_room.hpp"
#include "signalling/ice_servers.hpp"
#include "signalling/sfu_control.hpp"
#include "signalling/password_checks.hpp"
#include "signalling/peer_link.hpp"
#include "signalling/rejoin_cooldown.hpp"
#include "signalling/server_message.hpp"
#include "signalling/session_tally.hpp"

namespace webvox::signalling {

class SignallingSession;

struct SignallingContext {
  core::AccountService& accounts;
  core::ChannelService& channels;
  const core::JoinTokenSigner& join_tokens;
  IceServerConfig ice;
  std::string realm;
  std::size_t max_members_per_channel = 32;
  // Forwards voice through the server in the channels the policy gives to it; none: every
  // channel is a peer-to-peer mesh, whatever the policy says.
  SfuControl* sfu = nullptr;
  core::ForwardingPolicy policy;
  // Checks hello passwords off the caller's thread, throttled.
  PasswordChecks& password_checks;
};

// Who is in which channel, and delivery between them. Thread-safe: each connection's session
// calls in from its own strand. Messages only ever reach members of the sender's channel.
class SignallingHub {
 public:
  explicit SignallingHub(SignallingContext context);

  // A new connection, with a fresh member id; `link` receives what is addressed to it.
  // `source`: the throttle's key for the client's address (app::source_key).
  std::shared_ptr<SignallingSession> connect(std::shared_ptr<PeerLink> link,
                                             std::string source = {});
  const SignallingContext& context() const { return context_; }

  struct JoinOutcome {
    bool full = false;
    // The grid's operator kicked this account out of the channel: it may join again after
    // this long (nothing else done).
    std::optional<std::chrono::seconds> kicked;
    MemberInfo self;  // as the others see it: floor by the channel's mode, position if known
    std::vector<MemberInfo> others;
    core::Hearing hearing;
    core::ForwardingMode forwarding =
        core::ForwardingMode::Mesh;  // the channel's, with the newcomer
    std::size_t slots = 0;           // receive slots when forwarded
  };
  // Adds the member and tells the others. An older connection of the same account in the
  // channel is replaced: told so, closed and removed. `joined` builds the newcomer's reply,
  // which is sent before anything else that concerns the channel can reach it. The member
  // leaves `previous` only once admitted, and before `joined` goes out, so a full channel
  // costs no membership and nothing of the old channel follows `joined`. When the newcomer
  // makes the channel switch forwarding, the others learn it (`forwarding`) before they learn
  // of the newcomer, so they never start a mesh connection to it that would be torn down.
  JoinOutcome join(core::ChannelId channel, const core::ChannelProperties& properties,
                   MemberInfo self, std::shared_ptr<PeerLink> link,
                   std::optional<core::ChannelId> previous, base::SteadyTime now,
                   const std::function<std::string(const JoinOutcome&)>& joined);
  void leave(core::ChannelId channel, const std::string& member);
  // A viewer's agent, bridged into the channel by viewer voice (MemberInfo::viewer set here):
  // the others learn of it as of any member, and the channel is forwarded from now on (false,
  // and nothing done, when nothing can forward). Viewers do not count against
  // max_members_per_channel (their voice room has its own bound) and replace no connection
  // of the same account. It leaves with leave(); its positions come through place().
  bool join_viewer(core::ChannelId channel, const core::ChannelProperties& properties,
                   MemberInfo self);
  enum class RelayResult { Relayed, UnknownMember, NotMesh };
  // Peer-to-peer signals only pass in a mesh: in a forwarded channel the server must be the
  // only way voice travels, or a client could keep sending to peers the floor or range rules
  // exclude, and listeners would hear some voices twice.
  RelayResult relay(core::ChannelId channel, const std::string& from, const std::string& to,
                    const nlohmann::json& data);
  // Hands an sfu-offer to the SFU; false (nothing done) unless the channel is forwarded
  // now. Decided under the same lock as switches, so an offer never outlives a switch back.
  bool negotiate(core::ChannelId channel, const std::string& member, core::Role role,
                 std::string sdp, std::shared_ptr<PeerLink> link, nlohmann::json id);
  void update_state(core::ChannelId channel, const std::string& member, std::optional<bool> muted,
                    std::optional<bool> speaking);
  ChannelRoom::FloorResult set_floor(core::ChannelId channel, const std::string& by,
                                     const std::string& target, bool granted);
  void set_hand(core::ChannelId channel, const std::string& member, bool raised);
  // A position a client reports for itself; false if ignored (the world places it now).
  bool place(core::ChannelId channel, const std::string& member, const core::Position& position,
             base::SteadyTime now);

  // A position reported from the world (an in-world HUD, docs/world.md) for every connection
  // of `account`. It takes precedence over what those clients send themselves for
  // kWorldPrecedence, and is remembered for kPendingWorld so that a connection joining
  // shortly after is placed at once.
  void place_from_world(const std::string& account, const core::Position& position,
                        base::SteadyTime now);
  static constexpr std::chrono::seconds kWorldPrecedence{10};
  static constexpr std::chrono::seconds kPendingWorld{60};
  static constexpr std::size_t kMaxPendingWorldPositions = 100000;

  // Sends the position updates gathered since the last call; the edge calls it on a timer,
  // which bounds how often clients get `positions` (docs/signalling.md: 10/s).
  void push_positions();
  static constexpr std::chrono::milliseconds kPositionPush{100};

  std::size_t member_count(core::ChannelId channel);
  // The account a member signed in with; nothing if it is not in the channel.
  std::optional<std::string> account_of(core::ChannelId channel, const std::string& member);
  // How media flows in the channel now; nullopt while nobody is in it.
  std::optional<core::ForwardingMode> forwarding(core::ChannelId channel);

  // What the grid's operator sees and does (docs/admin.md, app::ChannelAdmin).
  struct ChannelView {
    core::ChannelId channel = 0;
    core::ForwardingMode forwarding = core::ForwardingMode::Mesh;
    std::vector<MemberInfo> members;
  };
  // Every channel somebody is in, by id.
  std::vector<ChannelView> channels();
  std::optional<ChannelView> channel_view(core::ChannelId channel);
  enum class OperatorResult { Done, UnknownChannel, UnknownMember };
  struct OperatorOutcome {
    OperatorResult result = OperatorResult::Done;
    std::vector<MemberInfo> members;  // the members it acted on
  };
  // Takes every connection of `account` out of the channel (`uri`, as clients name it): each
  // is told why (`removed`, reason kicked), the others see it leave, its forwarding goes, and
  // the account may not join the channel again for `cooldown`.
  OperatorOutcome kick(core::ChannelId channel, std::string_view uri, const std::string& account,
                       base::SteadyTime now, std::chrono::seconds cooldown);
  // Silences every connection of `account` in the channel (or lets it speak again): everyone
  // gets its member-state (operatorMuted), and the SFU carries none of its packets. It stays
  // muted when it joins again, until unmuted or until the channel empties.
  OperatorOutcome set_operator_muted(core::ChannelId channel, const std::string& account,
                                     bool muted);
  // Whether the operator muted `account` in the channel (and it is still remembered).
  bool operator_muted(core::ChannelId channel, const std::string& account);
  // Ends the channel's call: every member is told (`removed`, reason closed) and leaves.
  OperatorOutcome close(core::ChannelId channel, std::string_view uri);
  // Who is here now, for metrics: signalling connections (open, and signed in with a hello),
  // channels by how their media flows, their members (viewers bridged in counted apart).
  struct Census {
    std::size_t sessions = 0, signed_in = 0;
    std::size_t mesh_channels = 0, forwarded_channels = 0;
    std::size_t mesh_members = 0, forwarded_members = 0, viewer_members = 0;
  };
  Census census();
  // SignallingSession's bookkeeping: its creation and end, its first welcome.
  const std::shared_ptr<SessionTally>& session_tally() const { return tally_; }

 private:
  struct WorldPosition {
    core::Position position;
    base::SteadyTime received;
  };

  // Call with mutex_ held.
  // Removes a member without re-deciding the channel's forwarding (see refit_locked).
  void remove_locked(core::ChannelId channel, const std::string& member);
  // Forgets an empty room, and what the operator muted in it.
  void erase_room_locked(core::ChannelId channel);
  // Re-decides the forwarding of a channel whose membership shrank.
  void refit_locked(core::ChannelId channel);
  // Viewer members need the server to forward: their voice cannot join a mesh.
  core::ForwardingMode decide_locked(core::ForwardingMode current, std::size_t members,
                                     bool viewers) const;
  // Switches the room to `next` (if it is not already): tells every member, and hands the
  // SFU the facts it needs (switching on) or takes every member's session away
  // (switching off).
  void switch_forwarding_locked(core::ChannelId channel, ChannelRoom& room,
                                core::ForwardingMode next);
  SfuControl* sfu_of_locked(const ChannelRoom& room) const;
  ChannelRoom* room_locked(core::ChannelId channel);
  void remember_world_position_locked(const std::string& account, const core::Position& position,
                                      base::SteadyTime now);

  SignallingContext context_;
  std::mutex mutex_;
  std::unordered_map<core::ChannelId, ChannelRoom> rooms_;
  std::unordered_map<std::string, WorldPosition> world_positions_;  // by account
  RejoinCooldown kicked_;
  // Accounts the operator muted, by channel: kept while the channel has members.
  std::set<std::pair<core::ChannelId, std::string>> operator_muted_;
  std::shared_ptr<SessionTally> tally_ = std::make_shared<SessionTally>();
};

}  // namespace webvox::signalling
