#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/expected.hpp"

namespace webvox::core {

// What a join token admits: one account into one channel until a time.
struct JoinClaims {
  std::string account;
  std::string channel_uri;
  std::int64_t expires = 0;  // unix seconds
  std::string name;          // display name, may be empty
  bool moderator = false;    // may grant the floor in moderated channels
};

enum class JoinTokenError { Malformed, BadSignature, Expired };

// Join tokens: "v1.<base64url JSON claims>.<base64url HMAC-SHA256>" (docs/signalling.md).
// Stateless, so any webvoxd sharing the key accepts them; nothing secret is in the clear.
class JoinTokenSigner {
 public:
  static constexpr std::size_t kMinKeyBytes = 32;
  static constexpr std::size_t kMaxTokenLength = 2048;
  static constexpr std::int64_t kDefaultTtlSeconds = 3600;
  static constexpr std::int64_t kMaxTtlSeconds = 7 * 86400;

  // Throws std::invalid_argument for keys shorter than kMinKeyBytes.
  explicit JoinTokenSigner(std::vector<unsigned char> key);

  std::string sign(const JoinClaims& claims) const;
  base::Expected<JoinClaims, JoinTokenError> verify(std::string_view token, std::int64_t now) const;

 private:
  std::string signature(std::string_view signed_part) const;

  std::vector<unsigned char> key_;
};

std::vector<unsigned char> base64url_decode(std::string_view text);  // throws on bad input

}  // namespace webvox::core
