#include "core/join_token.hpp"

#include <gtest/gtest.h>

#include "base/secure_random.hpp"
#include "core/turn_credentials.hpp"

using namespace webvox::core;

namespace {
std::vector<unsigned char> key(unsigned char fill) { return std::vector<unsigned char>(32, fill); }
const JoinClaims kClaims{"x5mkTKmxDTuGnjWyC__WfMg==", "sip:confctl-1001@voice.example.org", 2000,
                         "Ada"};
}  // namespace

TEST(JoinToken, RoundTrips) {
  const JoinTokenSigner signer(key(1));
  const auto token = signer.sign(kClaims);
  EXPECT_TRUE(token.starts_with("v1."));
  const auto verified = signer.verify(token, 1999);
  ASSERT_TRUE(verified.has_value());
  const auto& claims = *verified;
  EXPECT_EQ(claims.account, kClaims.account);
  EXPECT_EQ(claims.channel_uri, kClaims.channel_uri);
  EXPECT_EQ(claims.expires, 2000);
  EXPECT_EQ(claims.name, "Ada");
}

TEST(JoinToken, ExpiresAtItsTime) {
  const JoinTokenSigner signer(key(1));
  EXPECT_EQ(signer.verify(signer.sign(kClaims), 2000).error(), JoinTokenError::Expired);
}

TEST(JoinToken, AnotherKeyOrAnyChangeBreaksTheSignature) {
  const auto token = JoinTokenSigner(key(1)).sign(kClaims);
  EXPECT_EQ(JoinTokenSigner(key(2)).verify(token, 0).error(), JoinTokenError::BadSignature);
  // Swap the payload for one naming another channel, keeping the signature.
  JoinClaims other = kClaims;
  other.channel_uri = "sip:confctl-1002@voice.example.org";
  const auto forged_payload = JoinTokenSigner(key(2)).sign(other);
  const auto forged =
      forged_payload.substr(0, forged_payload.rfind('.')) + token.substr(token.rfind('.'));
  EXPECT_EQ(JoinTokenSigner(key(1)).verify(forged, 0).error(), JoinTokenError::BadSignature);
}

TEST(JoinToken, MalformedTokens) {
  const JoinTokenSigner signer(key(1));
  for (const char* token : {"", "v1", "v1.", "v2.abc.def", "garbage", "v1.!!!.sig"}) {
    EXPECT_FALSE(signer.verify(token, 0).has_value()) << token;
  }
  EXPECT_EQ(signer.verify(std::string(5000, 'a'), 0).error(), JoinTokenError::Malformed);
}

TEST(JoinToken, CarriesNoSecretInClearAndNeedsALongKey) {
  EXPECT_THROW(JoinTokenSigner(std::vector<unsigned char>(16, 1)), std::invalid_argument);
}

TEST(TurnCredentials, FollowCoturnsRestScheme) {
  // Reference value: printf '1700000000:alice' | openssl dgst -sha1 -hmac secret -binary | base64
  const auto credentials = make_turn_credentials("secret", "alice", 1700000000);
  EXPECT_EQ(credentials.username, "1700000000:alice");
  EXPECT_EQ(credentials.credential, "d8soP47RbdIKLDUOpnJPVQyq5Ts=");
}
