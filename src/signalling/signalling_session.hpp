#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/channel.hpp"
#include "core/hearing.hpp"
#include "base/token_bucket.hpp"
#include "signalling/client_message.hpp"
#include "signalling/password_checks.hpp"
#include "signalling/peer_link.hpp"
#include "signalling/session_tally.hpp"
#include "signalling/session_clock.hpp"

namespace webvox::signalling {

class SignallingHub;

// The protocol state of one connection (docs/signalling.md): sign-in, the channel it is in,
// rate limits. Thread-safe: the edge delivers messages from the connection's strand and a
// password check answers from another thread; one lock keeps them apart. The hub makes
// sessions safe to use side by side.
class SignallingSession : public std::enable_shared_from_this<SignallingSession> {
 public:
  struct Limits {
    static constexpr double kMessagesPerSecond = 50;
    static constexpr double kBurst = 200;
    static constexpr std::size_t kDropsBeforeClose = 100;
    static constexpr base::Seconds kDropWindow{10};
    // positional-audio.md: clients send their position at most 10 times per second.
    static constexpr double kPositionsPerSecond = 10;
    static constexpr double kPositionBurst = 10;
    // Messages that arrive while the hello's password is being checked wait for the answer
    // (a client may send `join` right behind `hello`); beyond this many they are dropped.
    static constexpr std::size_t kHeldWhileSigningIn = 16;
  };

  // `source`: the throttle's key for the client's address.
  SignallingSession(SignallingHub& hub, std::shared_ptr<PeerLink> link, std::string member_id,
                    std::string source = {});
  ~SignallingSession();
  SignallingSession(const SignallingSession&) = delete;
  SignallingSession& operator=(const SignallingSession&) = delete;

  void on_message(std::string_view text, const SessionClock& clock);
  // The connection is gone: leave the channel.
  void on_closed();

  bool signed_in() const;
  const std::string& member_id() const { return member_id_; }

 private:
  // A hello waiting for its password check.
  struct PendingHello {
    nlohmann::json id;
    std::string account;
    std::string name;
  };

  void process(std::string_view text, const SessionClock& clock);
  void on_password_checked(const PasswordVerdict& verdict, const SessionClock& clock);
  void finish_password_sign_in(const PasswordVerdict& verdict, const SessionClock& clock);
  void welcome(const nlohmann::json& id, const std::string& account, const std::string& name,
               const SessionClock& clock);

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

  mutable std::mutex mutex_;
  SignallingHub& hub_;
  std::shared_ptr<PeerLink> link_;
  std::string member_id_;
  std::string source_;
  std::shared_ptr<SessionTally> tally_;
  std::optional<PendingHello> pending_hello_;
  std::deque<std::string> held_;  // messages that came while pending_hello_ is checked
  std::optional<std::string> account_;
  std::string name_;
  core::Role role_ = core::Role::Participant;
  std::optional<std::string> token_channel_;  // a join token admits to this channel only
  std::optional<core::ChannelId> channel_;
  std::string channel_uri_;
  base::TokenBucket bucket_{Limits::kMessagesPerSecond, Limits::kBurst};
  base::TokenBucket position_bucket_{Limits::kPositionsPerSecond, Limits::kPositionBurst};
  std::deque<base::SteadyTime> drops_;
  bool closed_ = false;
};

}  // namespace webvox::signalling
