#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/channel.hpp"
#include "core/hearing.hpp"
#include "core/position.hpp"
#include "signalling/peer_link.hpp"

namespace webvox::signalling {

// The SFU that forwards a channel's voice when its mode is `sfu` (docs/signalling.md,
// "Server-forwarded voice"), as the signalling logic controls it: negotiation and the facts
// forwarding depends on. Implemented at the edge (app::SfuService), which owns the sockets;
// calls may return before the work is done.
class SfuControl {
 public:
  virtual ~SfuControl() = default;

  // Receive slots per listener (joined.channelInfo.slots).
  virtual std::size_t slots() const = 0;
  // Answers an sfu-offer: `link` gets `sfu-answer` (with `id`) or an error, and later the
  // member's `slots` tables.
  virtual void negotiate(core::ChannelId channel, const core::ChannelProperties& properties,
                         const std::string& member, core::Role role, std::string sdp,
                         std::shared_ptr<PeerLink> link, nlohmann::json id) = 0;
  virtual void leave(core::ChannelId channel, const std::string& member) = 0;
  virtual void place(core::ChannelId channel, const std::string& member,
                     const core::Position& position) = 0;
  virtual void set_floor(core::ChannelId channel, const std::string& member, bool floor) = 0;
  // The grid's operator muted the member (docs/admin.md): none of its packets are carried,
  // to browsers or to viewers, until it is unmuted or leaves.
  virtual void set_silenced(core::ChannelId channel, const std::string& member, bool silenced) = 0;
};

}  // namespace webvox::signalling
