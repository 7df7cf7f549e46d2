#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/channel_properties.hpp"
#include "core/position.hpp"

namespace webvox::core {

enum class Role { Participant, Moderator };

std::string_view to_string(Role role);

// Channel modes as webvox enforces them (docs/signalling.md, "Channel modes").
// Whether a member of this role holds the floor when it joins.
bool has_floor_on_join(ChannelMode mode, Role role);
// Whether a moderator may grant and take back the floor in this mode (not in open channels,
// where everyone speaks).
bool floor_is_moderated(ChannelMode mode);
// At most one participant holds the floor at a time (an audience microphone).
bool floor_is_single(ChannelMode mode);
// Heard at full level by the whole channel, wherever it stands.
bool heard_everywhere(ChannelMode mode, Role role);

// What deciding who hears whom needs to know of one member.
struct HearingMember {
  std::string id;
  Role role = Role::Participant;
  bool floor = true;
  std::optional<Position> position;  // none yet: heard and hearing at full level
};

// How loud `speaker` is for `listener`, 0…1; 0 means not heard, and not sent.
double hearing_gain(const ChannelProperties& channel, const HearingMember& speaker,
                    const HearingMember& listener);

// For each member, whom it hears and who hears it (ids in the order of `members`).
struct Hearing {
  std::vector<std::string> audible;
  std::vector<std::string> listeners;
};
// Index i belongs to members[i]. O(n²): fine for mesh-sized channels; the forwarding unit
// will cull by a spatial grid.
std::vector<Hearing> decide_hearing(const ChannelProperties& channel,
                                    const std::vector<HearingMember>& members);

}  // namespace webvox::core
