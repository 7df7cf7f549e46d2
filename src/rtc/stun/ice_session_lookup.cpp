#include "rtc/stun/ice_session_lookup.hpp"

#include <utility>

namespace webvox::rtc::stun {

std::optional<UsernameParts> split_username(std::string_view username) {
  const auto colon = username.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == username.size()) {
    return std::nullopt;
  }
  return UsernameParts{username.substr(0, colon), username.substr(colon + 1)};
}

bool IceSessionTable::add(IceLiteSession session) {
  std::string key = session.local().ufrag;
  return sessions_.try_emplace(std::move(key), std::move(session)).second;
}

bool IceSessionTable::remove(std::string_view local_ufrag) {
  const auto found = sessions_.find(local_ufrag);
  if (found == sessions_.end()) return false;
  sessions_.erase(found);
  return true;
}

IceLiteSession* IceSessionTable::find(std::string_view local_ufrag) {
  const auto found = sessions_.find(local_ufrag);
  return found == sessions_.end() ? nullptr : &found->second;
}

}  // namespace webvox::rtc::stun
