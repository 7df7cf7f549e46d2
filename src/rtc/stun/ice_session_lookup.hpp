// Finding the session a check is for: every session shares one UDP port (and one ICE-TCP
// port), so the local half of the check's USERNAME ("localUfrag:remoteUfrag") is the key.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "rtc/stun/ice_lite_session.hpp"

namespace webvox::rtc::stun {

class IceSessionLookup {
 public:
  virtual ~IceSessionLookup() = default;
  virtual IceLiteSession* find(std::string_view local_ufrag) = 0;
};

// The halves of a check's USERNAME; nullopt without a colon or with an empty half.
struct UsernameParts {
  std::string_view local_ufrag;
  std::string_view remote_ufrag;
};
std::optional<UsernameParts> split_username(std::string_view username);

// Owns the sessions of one edge, keyed by their local ufrag (which must be unique: the
// signalling side generates it randomly).
class IceSessionTable final : public IceSessionLookup {
 public:
  // False (and nothing changes) when the ufrag is already taken.
  bool add(IceLiteSession session);
  bool remove(std::string_view local_ufrag);
  IceLiteSession* find(std::string_view local_ufrag) override;
  std::size_t size() const { return sessions_.size(); }

 private:
  std::map<std::string, IceLiteSession, std::less<>> sessions_;
};

}  // namespace webvox::rtc::stun
