#include "app/log_redaction.hpp"

#include <gtest/gtest.h>

using webvox::app::redact_target;

TEST(LogRedaction, HidesSecretValues) {
  EXPECT_EQ(redact_target("/api2/viv_signin.php?userid=admin&pwd=s3cret"),
            "/api2/viv_signin.php?userid=***&pwd=***");
  EXPECT_EQ(redact_target("/api2/viv_adm_password.php?user_name=x&new_pwd=p&auth_token=T"),
            "/api2/viv_adm_password.php?user_name=x&new_pwd=***&auth_token=***");
}

TEST(LogRedaction, RecognisesEncodedKeys) {
  EXPECT_EQ(redact_target("/api2/viv_get_acct.php?auth%5Ftoken=T&p%77d=s"),
            "/api2/viv_get_acct.php?auth%5Ftoken=***&p%77d=***");
}

TEST(LogRedaction, LeavesEverythingElse) {
  EXPECT_EQ(redact_target("/api2/viv_chan_search.php?&cond_chanparent=5"),
            "/api2/viv_chan_search.php?&cond_chanparent=5");
  EXPECT_EQ(redact_target("/plain"), "/plain");
}

TEST(LogRedaction, HidesWorldSecretsAndJoinLinkCodes) {
  EXPECT_EQ(redact_target("/world/position?secret=abc&pos=1"), "/world/position?secret=***&pos=1");
  EXPECT_EQ(redact_target("/j/Zm9vYmFyYmF6cXV4cXV1eA"), "/j/***");
  EXPECT_EQ(redact_target("/j/Zm9vYmFyYmF6cXV4cXV1eA?x=1"), "/j/***?x=1");
}

TEST(LogRedaction, HidesTheViewerVoiceDoorsSecrets) {
  EXPECT_EQ(redact_target("/viewer-voice/jsonrpc-0123456789abcdef"), "/viewer-voice/***");
  EXPECT_EQ(redact_target("/janus/123?apisecret=janus-api-0123456789"), "/janus/123?apisecret=***");
  EXPECT_EQ(redact_target("/janus/123?maxev=1&apisecret=x%2By"),
            "/janus/123?maxev=1&apisecret=***");
}
