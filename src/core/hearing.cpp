#include "core/hearing.hpp"

#include "core/positional_gain.hpp"

namespace webvox::core {

std::string_view to_string(Role role) {
  return role == Role::Moderator ? "moderator" : "participant";
}

bool has_floor_on_join(ChannelMode mode, Role role) {
  return mode == ChannelMode::Open || role == Role::Moderator;
}

bool floor_is_moderated(ChannelMode mode) { return mode != ChannelMode::Open; }

bool floor_is_single(ChannelMode mode) { return mode == ChannelMode::Auditorium; }

bool heard_everywhere(ChannelMode mode, Role role) {
  return role == Role::Moderator &&
         (mode == ChannelMode::Presentation || mode == ChannelMode::Auditorium);
}

double hearing_gain(const ChannelProperties& channel, const HearingMember& speaker,
                    const HearingMember& listener) {
  if (speaker.id == listener.id || !speaker.floor) return 0.0;
  if (heard_everywhere(channel.mode, speaker.role)) return 1.0;
  if (!speaker.position || !listener.position) return 1.0;
  return positional_gain(channel, distance(*speaker.position, *listener.position));
}

std::vector<Hearing> decide_hearing(const ChannelProperties& channel,
                                    const std::vector<HearingMember>& members) {
  std::vector<Hearing> hearing(members.size());
  for (std::size_t listener = 0; listener < members.size(); ++listener) {
    for (std::size_t speaker = 0; speaker < members.size(); ++speaker) {
      if (hearing_gain(channel, members[speaker], members[listener]) > 0.0) {
        hearing[listener].audible.push_back(members[speaker].id);
        hearing[speaker].listeners.push_back(members[listener].id);
      }
    }
  }
  return hearing;
}

}  // namespace webvox::core
