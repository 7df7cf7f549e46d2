#include "core/join_token.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "base/secure_random.hpp"

namespace webvox::core {
namespace {
constexpr std::string_view kVersion = "v1";
}

std::vector<unsigned char> base64url_decode(std::string_view text) {
  std::string standard(text);
  for (auto& c : standard) {
    if (c == '-')
      c = '+';
    else if (c == '_')
      c = '/';
  }
  while (standard.size() % 4 != 0) standard += '=';
  return base::base64_decode(standard);
}

JoinTokenSigner::JoinTokenSigner(std::vector<unsigned char> key) : key_(std::move(key)) {
  if (key_.size() < kMinKeyBytes) {
    throw std::invalid_argument("the join token key must have at least 32 bytes");
  }
}

std::string JoinTokenSigner::signature(std::string_view signed_part) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
            reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size(), mac,
            &length)) {
    throw std::runtime_error("HMAC-SHA256 failed");
  }
  return base::base64url_encode(mac, length);
}

std::string JoinTokenSigner::sign(const JoinClaims& claims) const {
  nlohmann::json payload = {
      {"acct", claims.account}, {"chan", claims.channel_uri}, {"exp", claims.expires}};
  if (!claims.name.empty()) payload["name"] = claims.name;
  if (claims.moderator) payload["mod"] = true;
  const auto text = payload.dump();
  std::string token{kVersion};
  token += '.';
  token += base::base64url_encode(reinterpret_cast<const unsigned char*>(text.data()), text.size());
  token += '.' + signature(token);
  return token;
}

base::Expected<JoinClaims, JoinTokenError> JoinTokenSigner::verify(std::string_view token,
                                                                   std::int64_t now) const {
  if (token.size() > kMaxTokenLength) return base::unexpected(JoinTokenError::Malformed);
  const auto last_dot = token.rfind('.');
  if (last_dot == std::string_view::npos || !token.starts_with("v1.")) {
    return base::unexpected(JoinTokenError::Malformed);
  }
  const auto signed_part = token.substr(0, last_dot);
  const auto expected = signature(signed_part);
  const auto given = token.substr(last_dot + 1);
  if (given.size() != expected.size() ||
      CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0) {
    return base::unexpected(JoinTokenError::BadSignature);
  }
  JoinClaims claims;
  try {
    const auto raw = base64url_decode(signed_part.substr(kVersion.size() + 1));
    const auto payload = nlohmann::json::parse(raw.begin(), raw.end());
    claims.account = payload.at("acct").get<std::string>();
    claims.channel_uri = payload.at("chan").get<std::string>();
    claims.expires = payload.at("exp").get<std::int64_t>();
    claims.name = payload.value("name", std::string());
    claims.moderator = payload.value("mod", false);
  } catch (const std::exception&) {
    return base::unexpected(JoinTokenError::Malformed);
  }
  if (claims.expires <= now) return base::unexpected(JoinTokenError::Expired);
  return claims;
}

}  // namespace webvox::core
