#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/channel.hpp"
#include "core/hearing.hpp"
#include "core/token_bucket.hpp"
#include "signalling/client_message.hpp"
#include "signalling/peer_link.hpp"

namespace webvox::signalling {

class SignallingHub;

// Time as the session needs it: monotonic seconds for rate limits, unix seconds for tokens.
struct SessionClock {
  double monotonic_seconds = 0;
  std::int64_t unix_seconds = 0;
};

// The protocol state of one connection (docs/signalling.md): sign-in, the channel it is in,
// rate limits. Calls for one session must not run concurrently (the edge keeps them on one
// strand); the hub makes sessions safe to use side by side.
class SignallingSession {
 public:
  struct Limits {
    static constexpr double kMessagesPerSecond = 50;
    static constexpr double kBurst = 200;
    static constexpr std::size_t kDropsBeforeClose = 100;
    static constexpr double kDropWindowSeconds = 10;
    // positional-audio.md: clients send their position at most 10 times per second.
    static constexpr double kPositionsPerSecond = 10;
    static constexpr double kPositionBurst = 10;
  };

  SignallingSession(SignallingHub& hub, std::shared_ptr<PeerLink> link, std::string member_id);

  void on_message(std::string_view text, const SessionClock& clock);
  // The connection is gone: leave the channel.
  void on_closed();

  bool signed_in() const { return account_.has_value(); }
  const std::string& member_id() const { return member_id_; }

 private:
  void handle(const nlohmann::json& id, const Hello& hello, const SessionClock& clock);
  void handle(const nlohmann::json& id, const Join& join, const SessionClock& clock);
  void handle(const nlohmann::json& id, const Leave& leave, const SessionClock& clock);
  void handle(const nlohmann::json& id, const Signal& signal, const SessionClock& clock);
  void handle(const nlohmann::json& id, const State& state, const SessionClock& clock);
  void handle(const nlohmann::json& id, const Ping& ping, const SessionClock& clock);
  void handle(const nlohmann::json& id, const PositionUpdate& update, const SessionClock& clock);
  void handle(const nlohmann::json& id, const Floor& floor, const SessionClock& clock);
  void handle(const nlohmann::json& id, const Hand& hand, const SessionClock& clock);
  void handle(const nlohmann::json& id, const SfuOffer& offer, const SessionClock& clock);

  // False (and the client told) if the message must be dropped for flooding.
  bool admit(const SessionClock& clock);
  bool note_drop(const SessionClock& clock);
  void refuse_sign_in(const nlohmann::json& id, std::string_view text);
  void reply_error(const nlohmann::json& id, std::string_view code, std::string_view text);
  void leave_channel();

  SignallingHub& hub_;
  std::shared_ptr<PeerLink> link_;
  std::string member_id_;
  std::optional<std::string> account_;
  std::string name_;
  core::Role role_ = core::Role::Participant;
  std::optional<std::string> token_channel_;  // a join token admits to this channel only
  std::optional<core::ChannelId> channel_;
  std::string channel_uri_;
  core::TokenBucket bucket_{Limits::kMessagesPerSecond, Limits::kBurst};
  core::TokenBucket position_bucket_{Limits::kPositionsPerSecond, Limits::kPositionBurst};
  std::deque<double> drops_;
  bool closed_ = false;
};

}  // namespace webvox::signalling
