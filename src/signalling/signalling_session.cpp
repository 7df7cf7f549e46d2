#include "signalling/signalling_session.hpp"

#include <variant>

#include "core/channel_uri.hpp"
#include "signalling/signalling_hub.hpp"

namespace webvox::signalling {

using nlohmann::json;

SignallingSession::SignallingSession(SignallingHub& hub, std::shared_ptr<PeerLink> link,
                                     std::string member_id, std::string source)
    : hub_(hub),
      link_(std::move(link)),
      member_id_(std::move(member_id)),
      source_(std::move(source)),
      tally_(hub.session_tally()) {
  tally_->count(+1, 0);
}

// Only the tally: the hub may be gone by now (see SessionTally).
SignallingSession::~SignallingSession() { tally_->count(-1, account_ ? -1 : 0); }

bool SignallingSession::signed_in() const {
  std::lock_guard lock(mutex_);
  return account_.has_value();
}

void SignallingSession::reply_error(const json& id, std::string_view code, std::string_view text) {
  link_->send(error_message(id, code, text));
}

bool SignallingSession::admit(const SessionClock& clock) {
  if (bucket_.try_take(clock.monotonic)) return true;
  return note_drop(clock);
}

// Counts a dropped message towards closing a flooding connection; always false.
bool SignallingSession::note_drop(const SessionClock& clock) {
  drops_.push_back(clock.monotonic);
  while (!drops_.empty() && clock.monotonic - drops_.front() > Limits::kDropWindow) {
    drops_.pop_front();
  }
  if (drops_.size() >= Limits::kDropsBeforeClose) {
    closed_ = true;
    leave_channel();
    link_->close(close_code::kPolicyViolation, "flooding");
  } else {
    reply_error(nullptr, "rate_limited", "too many messages; this one was dropped");
  }
  return false;
}

void SignallingSession::on_message(std::string_view text, const SessionClock& clock) {
  std::lock_guard lock(mutex_);
  if (closed_ || !admit(clock)) return;
  if (pending_hello_) {
    if (held_.size() < Limits::kHeldWhileSigningIn) {
      held_.emplace_back(text);
    } else {
      reply_error(nullptr, "rate_limited", "still checking the password; this message was dropped");
    }
    return;
  }
  process(text, clock);
}

void SignallingSession::process(std::string_view text, const SessionClock& clock) {
  auto parsed = parse_client_message(text);
  if (const auto* error = parsed ? nullptr : &parsed.error()) {
    return reply_error(error->id, "bad_message", error->message);
  }
  auto& message = *parsed;
  if (!account_ && !std::holds_alternative<Hello>(message.message)) {
    return reply_error(message.id, "auth_required", "send hello first");
  }
  std::visit([&](const auto& body) { handle(message.id, body, clock); }, message.message);
}

void SignallingSession::on_closed() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  held_.clear();
  leave_channel();
}

void SignallingSession::leave_channel() {
  if (!channel_) return;
  hub_.leave(*channel_, member_id_);
  channel_.reset();
  channel_uri_.clear();
}

void SignallingSession::refuse_sign_in(const json& id, std::string_view text) {
  reply_error(id, "auth_failed", text);
  closed_ = true;
  held_.clear();
  link_->close(close_code::kPolicyViolation, "auth_failed");
}

void SignallingSession::handle(const json& id, const Hello& hello, const SessionClock& clock) {
  if (account_) return reply_error(id, "already_signed_in", "this connection is signed in");
  const auto& context = hub_.context();
  if (!hello.token) {
    // The password check is slow and throttled: it answers now or later (on_password_checked).
    pending_hello_ = PendingHello{id, *hello.account, hello.name};
    const auto verdict = context.password_checks.check(
        {source_, *hello.account, *hello.password},
        [self = shared_from_this()](PasswordVerdict verdict, const SessionClock& later) {
          self->on_password_checked(verdict, later);
        });
    if (verdict) finish_password_sign_in(*verdict, clock);
    return;
  }
  const auto verified = context.join_tokens.verify(*hello.token, clock.unix_seconds);
  if (!verified) {
    const bool expired = verified.error() == core::JoinTokenError::Expired;
    const auto reason = expired ? "this join link has expired" : "invalid join token";
    context.password_checks.token_refused(source_, reason);
    return refuse_sign_in(id, reason);
  }
  const core::JoinClaims& claims = *verified;
  token_channel_ = claims.channel_uri;
  if (claims.moderator) role_ = core::Role::Moderator;
  welcome(id, claims.account, hello.name.empty() ? clean_display_name(claims.name) : hello.name,
          clock);
}

void SignallingSession::on_password_checked(const PasswordVerdict& verdict,
                                            const SessionClock& clock) {
  std::lock_guard lock(mutex_);
  if (closed_ || !pending_hello_) return;
  finish_password_sign_in(verdict, clock);
  // What came while the password was checked, in order (unless another hello is checked now).
  while (!held_.empty() && !closed_ && !pending_hello_) {
    const auto text = std::move(held_.front());
    held_.pop_front();
    process(text, clock);
  }
}

void SignallingSession::finish_password_sign_in(const PasswordVerdict& verdict,
                                                const SessionClock& clock) {
  const auto hello = std::move(*pending_hello_);
  pending_hello_.reset();
  switch (verdict.outcome) {
    case PasswordVerdict::Outcome::Accepted:
      return welcome(hello.id, hello.account, hello.name, clock);
    case PasswordVerdict::Outcome::Refused:
      return refuse_sign_in(hello.id, "wrong account or password");
    case PasswordVerdict::Outcome::Throttled:
      link_->send(error_message(hello.id, "auth_throttled",
                                "too many failed sign-ins; try again in " +
                                    std::to_string(verdict.retry_after.count()) + " s",
                                verdict.retry_after));
      closed_ = true;
      held_.clear();
      return link_->close(close_code::kPolicyViolation, "auth_throttled");
    case PasswordVerdict::Outcome::Busy:
      // Not the client's fault: the connection stays open and may send hello again.
      link_->send(error_message(hello.id, "busy", "the server is busy; send hello again shortly",
                                verdict.retry_after));
      return;
  }
}

void SignallingSession::welcome(const json& id, const std::string& account, const std::string& name,
                                const SessionClock& clock) {
  const auto& context = hub_.context();
  if (!account_) tally_->count(0, +1);
  account_ = account;
  name_ = name;
  json welcome = {{"type", "welcome"},
                  {"protocol", 1},
                  {"member", member_id_},
                  {"account", account},
                  {"name", name.empty() ? account : name},
                  {"iceServers", ice_servers_for(context.ice, account, clock.unix_seconds)}};
  if (token_channel_) welcome["channel"] = *token_channel_;
  if (!id.is_null()) welcome["id"] = id;
  link_->send(serialize(welcome));
}

void SignallingSession::handle(const json& id, const Join& join, const SessionClock& clock) {
  const auto& context = hub_.context();
  if (token_channel_ && join.channel != *token_channel_) {
    return reply_error(id, "forbidden", "this join link is for another channel");
  }
  const auto channel_id = core::parse_channel_uri(join.channel, context.realm);
  const auto channel = channel_id ? context.channels.find(*channel_id) : std::nullopt;
  if (!channel || channel->is_directory()) {
    return reply_error(id, "not_found", "no such channel");
  }
  // Re-joining the same channel starts afresh; for another channel, the old one is left only
  // once the new one has admitted us (a full channel must not cost the old membership).
  if (channel_ == channel->id) leave_channel();
  MemberInfo self;
  self.member = member_id_;
  self.account = *account_;
  self.name = name_;
  self.role = role_;
  const auto joined_message = [&](const SignallingHub::JoinOutcome& outcome) {
    auto members = json::array();
    for (const auto& member : outcome.others) members.push_back(to_json(member));
    json joined = {
        {"type", "joined"},
        {"channel", join.channel},
        {"self", to_json(outcome.self)},
        {"channelInfo", channel_info(channel->properties, outcome.forwarding, outcome.slots)},
        {"members", members},
        {"audible", outcome.hearing.audible},
        {"listeners", outcome.hearing.listeners}};
    if (!id.is_null()) joined["id"] = id;
    return serialize(joined);
  };
  const auto outcome = hub_.join(channel->id, channel->properties, std::move(self), link_, channel_,
                                 clock.monotonic, joined_message);
  if (outcome.kicked) {
    return link_->send(error_message(id, "kicked",
                                     "the grid's operator removed you from this channel; try "
                                     "again in " +
                                         std::to_string(outcome.kicked->count()) + " s",
                                     *outcome.kicked));
  }
  if (outcome.full) return reply_error(id, "channel_full", "the channel is full");
  channel_ = channel->id;
  channel_uri_ = join.channel;
}

void SignallingSession::handle(const json& id, const Leave&, const SessionClock&) {
  if (!channel_) return reply_error(id, "not_in_channel", "not in a channel");
  json left = {{"type", "left"}, {"channel", channel_uri_}};
  if (!id.is_null()) left["id"] = id;
  leave_channel();
  link_->send(serialize(left));
}

void SignallingSession::handle(const json& id, const Signal& signal, const SessionClock&) {
  if (!channel_) return reply_error(id, "not_in_channel", "join a channel first");
  switch (hub_.relay(*channel_, member_id_, signal.to, signal.data)) {
    case SignallingHub::RelayResult::Relayed:
      return;
    case SignallingHub::RelayResult::UnknownMember:
      return reply_error(id, "unknown_member", "no such member in your channel");
    case SignallingHub::RelayResult::NotMesh:
      return reply_error(id, "mesh_off",
                         "voice in this channel goes through the server: use sfu-offer");
  }
}

void SignallingSession::handle(const json& id, const State& state, const SessionClock&) {
  if (!channel_) return reply_error(id, "not_in_channel", "join a channel first");
  hub_.update_state(*channel_, member_id_, state.muted, state.speaking);
}

void SignallingSession::handle(const json& id, const PositionUpdate& update,
                               const SessionClock& clock) {
  if (!channel_) return reply_error(id, "not_in_channel", "join a channel first");
  if (!position_bucket_.try_take(clock.monotonic)) {
    note_drop(clock);
    return;
  }
  hub_.place(*channel_, member_id_, update.position, clock.monotonic);
}

void SignallingSession::handle(const json& id, const Floor& floor, const SessionClock&) {
  if (!channel_) return reply_error(id, "not_in_channel", "join a channel first");
  switch (hub_.set_floor(*channel_, member_id_, floor.member, floor.granted)) {
    case ChannelRoom::FloorResult::Changed:
      return;
    case ChannelRoom::FloorResult::Forbidden:
      return reply_error(id, "forbidden", "only moderators may grant the floor");
    case ChannelRoom::FloorResult::UnknownMember:
      return reply_error(id, "unknown_member", "no such member in your channel");
    case ChannelRoom::FloorResult::NotModerated:
      return reply_error(id, "not_moderated", "everyone may speak in an open channel");
  }
}

void SignallingSession::handle(const json& id, const Hand& hand, const SessionClock&) {
  if (!channel_) return reply_error(id, "not_in_channel", "join a channel first");
  hub_.set_hand(*channel_, member_id_, hand.raised);
}

void SignallingSession::handle(const json& id, const SfuOffer& offer, const SessionClock&) {
  if (!channel_) return reply_error(id, "not_in_channel", "join a channel first");
  if (!hub_.negotiate(*channel_, member_id_, role_, offer.sdp, link_, id)) {
    reply_error(id, "sfu_off", "voice in this channel goes peer to peer: use the mesh");
  }
}

void SignallingSession::handle(const json& id, const Ping&, const SessionClock&) {
  json pong = {{"type", "pong"}};
  if (!id.is_null()) pong["id"] = id;
  link_->send(serialize(pong));
}

}  // namespace webvox::signalling
