#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace webvox::core {

enum class AdminSessionState { Active, SignedOut };

// Admin sign-in sessions, keyed by a digest of the token (the token itself is never stored).
// Sessions must survive restarts: VivoxVoiceModule never signs in again on its own.
class AdminSessionRepository {
 public:
  virtual ~AdminSessionRepository() = default;

  virtual void add(std::string_view token_digest, std::string_view user) = 0;
  virtual std::optional<AdminSessionState> state(std::string_view token_digest) = 0;
  // Returns false if no such session exists.
  virtual bool sign_out(std::string_view token_digest) = 0;
};

}  // namespace webvox::core
