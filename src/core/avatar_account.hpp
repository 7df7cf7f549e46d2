#pragma once

#include <optional>
#include <string_view>

#include <string>

#include "base/uuid.hpp"

namespace webvox::core {

// The voice account VivoxVoiceModule provisions for an avatar (spec §7):
// "x" + Base64(the UUID's 16 bytes) with '+' -> '-' and '/' -> '_', padding kept, so always
// 25 characters ending in "==". The viewer derives the same name itself; anything that
// speaks for an avatar (an in-world HUD) must land on exactly this account.
std::string avatar_account_name(const base::Uuid& avatar);
// The avatar whose account this is; nothing for any other name.
std::optional<base::Uuid> avatar_of_account(std::string_view account);

}  // namespace webvox::core
