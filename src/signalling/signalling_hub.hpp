#pragma once

#include <map>
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
#include "signalling/ice_servers.hpp"
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
    std::vector<MemberInfo> others;
  };
  // Adds the member and tells the others. An older connection of the same account in the
  // channel is replaced: told so, closed and removed.
  JoinOutcome join(core::ChannelId channel, const MemberInfo& self, std::shared_ptr<PeerLink> link);
  void leave(core::ChannelId channel, const std::string& member);
  // False if `to` is not in the channel.
  bool relay(core::ChannelId channel, const std::string& from, const std::string& to,
             const nlohmann::json& data);
  void update_state(core::ChannelId channel, const std::string& member, std::optional<bool> muted,
                    std::optional<bool> speaking);

  std::size_t member_count(core::ChannelId channel);

 private:
  struct Entry {
    MemberInfo info;
    std::shared_ptr<PeerLink> link;
  };
  using Room = std::map<std::string, Entry>;

  // Call with mutex_ held.
  void broadcast(const Room& room, const std::string& except, const std::string& message);
  void remove_locked(core::ChannelId channel, const std::string& member);

  SignallingContext context_;
  std::mutex mutex_;
  std::unordered_map<core::ChannelId, Room> rooms_;
};

}  // namespace webvox::signalling
