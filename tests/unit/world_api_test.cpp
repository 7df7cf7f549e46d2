#include "app/world_api.hpp"

#include <gtest/gtest.h>

#include <tuple>
#include <vector>

#include "app/http_routes.hpp"
#include "core/channel_uri.hpp"
#include "core/join_token.hpp"
#include "support/vivox_stack.hpp"
#include "world/link_code_store.hpp"

using namespace webvox;
using test_support::VivoxStack;

namespace {

constexpr std::string_view kSecret = "grid-secret-0123456789";
constexpr std::string_view kAvatar = "e669132a-6c43-4ee1-a78d-6c82fff59f32";
constexpr std::string_view kAccount = "x5mkTKmxDTuGnjWyC__WfMg==";
constexpr std::string_view kParcel = "6b2a8f57-2e1c-4b0b-9f35-0123456789ab";
constexpr std::string_view kRegion = "11111111-2222-3333-4444-555555555555";

struct Placed {
  std::string account;
  core::Position position;
  base::SteadyTime now;
};

class WorldApiTest : public ::testing::Test {
 protected:
  VivoxStack stack;
  core::JoinTokenSigner signer{std::vector<unsigned char>(32, 7)};
  app::JoinTokenIssuer issuer{signer, stack.channels, std::string(VivoxStack::kRealm)};
  world::InMemoryLinkCodeStore codes{100};
  std::vector<Placed> placed;
  base::SteadyTime now = base::SteadyTime{} + std::chrono::seconds(5000);
  std::int64_t unix_now = 1'700'000'000;
  app::WorldApi api{
      std::string(kSecret),
      std::string(VivoxStack::kRealm),
      issuer,
      stack.channels,
      codes,
      [this](const std::string& account, const core::Position& position, base::SteadyTime at) {
        placed.push_back({account, position, at});
      },
      {[this] { return now; }, [this] { return unix_now; }}};
  app::HttpRoutes routes{stack.api, nullptr, nullptr, &api};

  // The headers OpenSim's llHTTPRequest adds (LSL_Api.llHTTPRequest), for a HUD worn by kAvatar.
  static http::Request from_hud(std::string target, std::string body,
                                std::string_view owner = kAvatar) {
    http::Request request;
    request.method = "POST";
    request.target = std::move(target);
    request.content_type = "application/x-www-form-urlencoded";
    request.body = std::move(body);
    request.secondlife_headers = {
        {"x-secondlife-shard", "OpenSim"},
        {"x-secondlife-object-name", "webvox HUD"},
        {"x-secondlife-object-key", "0c4b5d9e-1111-4222-8333-444455556666"},
        {"x-secondlife-region", "Wright Plaza (256000, 256000)"},
        {"x-secondlife-local-position", "(128.000000, 64.000000, 22.000000)"},
        {"x-secondlife-local-rotation", "(0.000000, 0.000000, 0.000000, 1.000000)"},
        {"x-secondlife-local-velocity", "(0.000000, 0.000000, 0.000000)"},
        {"x-secondlife-owner-name", "Ada Lovelace"},
    };
    if (!owner.empty()) request.secondlife_headers.emplace_back("x-secondlife-owner-key", owner);
    return request;
  }

  static std::string position_body(std::string_view secret = kSecret) {
    return "secret=" + std::string(secret) + "&pos=%3C128.5%2C%2064%2C%2022%3E&yaw=1.5";
  }
  static std::string link_body(std::string_view parcel = kParcel, bool estate = false) {
    return "secret=" + std::string(kSecret) + "&parcel=" + std::string(parcel) +
           "&estate_voice=" + (estate ? "1" : "0");
  }

  core::Channel make_channel(std::string name, std::string description, bool directory = false,
                             std::optional<core::ChannelId> parent = std::nullopt) {
    core::CreateChannelRequest request{std::move(name), std::move(description), parent, {}};
    if (directory) request.properties.type = "dir";
    const auto outcome = stack.channels.create(request);
    EXPECT_EQ(outcome.error, core::ChannelError::None);
    return outcome.result->channel;
  }

  http::Response get(std::string target) {
    http::Request request;
    request.method = "GET";
    request.target = std::move(target);
    return routes.handle(request);
  }

  static std::string header(const http::Response& response, std::string_view name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) return value;
    }
    return {};
  }

  // Follows a link to its join token's claims.
  core::JoinClaims claims_behind(const std::string& path) {
    const auto redirect = get(path);
    EXPECT_EQ(redirect.status, 303u) << redirect.body;
    const auto location = header(redirect, "Location");
    EXPECT_TRUE(location.starts_with("/?token=")) << location;
    const auto verified = signer.verify(location.substr(8), unix_now);
    EXPECT_TRUE(verified.has_value());
    return verified ? *verified : core::JoinClaims{};
  }
};

TEST_F(WorldApiTest, APositionReachesSignallingForTheWearersAccount) {
  const auto response = routes.handle(from_hud("/world/position", position_body()));
  EXPECT_EQ(response.status, 200u) << response.body;
  ASSERT_EQ(placed.size(), 1u);
  EXPECT_EQ(placed[0].account, kAccount);
  EXPECT_DOUBLE_EQ(placed[0].position.x, 128.5);
  EXPECT_DOUBLE_EQ(placed[0].position.y, 64);
  EXPECT_DOUBLE_EQ(placed[0].position.z, 22);
  EXPECT_DOUBLE_EQ(placed[0].position.yaw, 1.5);
  EXPECT_EQ(placed[0].now, now);
}

TEST_F(WorldApiTest, TheSimulatorsContentTypeDoesNotMatter) {
  auto request = from_hud("/world/position", position_body());
  request.content_type = "text/plain;charset=utf-8";  // OpenSim's default
  EXPECT_EQ(routes.handle(request).status, 200u);
}

TEST_F(WorldApiTest, WrongOrMissingSecretIs403AndPlacesNothing) {
  for (const auto& body : {position_body("grid-secret-0123456780"), position_body("x"),
                           std::string("pos=%3C1%2C2%2C3%3E"), std::string()}) {
    const auto response = routes.handle(from_hud("/world/position", body));
    EXPECT_EQ(response.status, 403u) << body;
    EXPECT_EQ(response.body.find(kSecret), std::string::npos);
  }
  // Even a malformed body says nothing but 403 without the secret.
  EXPECT_EQ(routes.handle(from_hud("/world/link", "secret=nope&parcel=bad")).status, 403u);
  EXPECT_TRUE(placed.empty());
}

TEST_F(WorldApiTest, MalformedRequestsAre400WithOneLineReasons) {
  const auto bad_pos = routes.handle(
      from_hud("/world/position", "secret=" + std::string(kSecret) + "&pos=%3C1%2C2%3E"));
  EXPECT_EQ(bad_pos.status, 400u);
  EXPECT_NE(bad_pos.body.find("'pos'"), std::string::npos);
  EXPECT_EQ(bad_pos.body.find('\n'), bad_pos.body.size() - 1);  // one line

  const auto no_owner = routes.handle(from_hud("/world/position", position_body(), ""));
  EXPECT_EQ(no_owner.status, 400u);
  EXPECT_NE(no_owner.body.find("X-SecondLife-Owner-Key"), std::string::npos);
  EXPECT_EQ(routes.handle(from_hud("/world/position", position_body(), "not-a-key")).status, 400u);
  EXPECT_TRUE(placed.empty());
}

TEST_F(WorldApiTest, WrongMethodsAndBigBodies) {
  auto get_position = from_hud("/world/position", "");
  get_position.method = "GET";
  const auto response = routes.handle(get_position);
  EXPECT_EQ(response.status, 405u);
  EXPECT_EQ(header(response, "Allow"), "POST");
  EXPECT_EQ(
      routes.handle(from_hud("/world/position", position_body() + "&pad=" + std::string(5000, 'a')))
          .status,
      413u);
}

TEST_F(WorldApiTest, FloodingOneAvatarIs429WhileOthersGoOn) {
  int accepted = 0;
  int limited = 0;
  for (int i = 0; i < 20; ++i) {
    const auto response = routes.handle(from_hud("/world/position", position_body()));
    if (response.status == 200) ++accepted;
    if (response.status == 429) {
      ++limited;
      EXPECT_FALSE(header(response, "Retry-After").empty());
    }
  }
  EXPECT_EQ(accepted, static_cast<int>(app::WorldLimits::kPositionBurst));
  EXPECT_EQ(limited, 20 - accepted);
  EXPECT_EQ(routes
                .handle(from_hud("/world/position", position_body(),
                                 "fbefbeaa-1111-4222-8333-444455556666"))
                .status,
            200u);
  now += std::chrono::seconds(1);  // one more per second, as the HUD sends
  EXPECT_EQ(routes.handle(from_hud("/world/position", position_body())).status, 200u);
}

TEST_F(WorldApiTest, ALinkOpensTheParcelsChannelOnceAsTheWearer) {
  const auto channel = make_channel(std::string(kParcel), "Wright Plaza:Garden");
  const auto response = routes.handle(from_hud("/world/link", link_body()));
  ASSERT_EQ(response.status, 200u) << response.body;
  EXPECT_TRUE(response.body.starts_with("/j/"));
  EXPECT_EQ(response.body.size(), 3u + 22u);  // 128 random bits, base64url

  const auto claims = claims_behind(response.body);
  EXPECT_EQ(claims.account, kAccount);
  EXPECT_EQ(claims.channel_uri, core::channel_uri(channel.id, VivoxStack::kRealm));
  EXPECT_EQ(claims.name, "Ada Lovelace");
  EXPECT_FALSE(claims.moderator);
  EXPECT_EQ(claims.expires, unix_now + app::WorldLimits::kLinkTokenSeconds);

  const auto again = get(response.body);
  EXPECT_EQ(again.status, 404u);  // single use
  EXPECT_NE(again.body.find("touch the HUD again"), std::string::npos);
}

TEST_F(WorldApiTest, LinksExpire) {
  make_channel(std::string(kParcel), "Wright Plaza:Garden");
  const auto response = routes.handle(from_hud("/world/link", link_body()));
  ASSERT_EQ(response.status, 200u);
  now += app::WorldLimits::kLinkCodeLifetime;
  EXPECT_EQ(get(response.body).status, 404u);
  EXPECT_EQ(get("/j/short").status, 404u);
  EXPECT_EQ(get("/j/AAAAAAAAAAAAAAAAAAAAAA").status, 404u);
}

TEST_F(WorldApiTest, UnknownParcelIs404) {
  const auto response = routes.handle(from_hud("/world/link", link_body()));
  EXPECT_EQ(response.status, 404u);
  EXPECT_NE(response.body.find("no voice channel"), std::string::npos);
  EXPECT_EQ(codes.size(), 0u);
}

TEST_F(WorldApiTest, EstateVoiceParcelsJoinTheRegionChannel) {
  make_channel(std::string(kParcel), "Wright Plaza:Garden");  // before estate voice was set
  const auto region = make_channel(std::string(kRegion), "Wright Plaza:Wright Plaza");
  make_channel("99999999-2222-3333-4444-555555555555", "Elsewhere:Elsewhere");

  // Found by the description the module gives region channels, region name from the header.
  const auto by_name = routes.handle(from_hud("/world/link", link_body(kParcel, true)));
  ASSERT_EQ(by_name.status, 200u) << by_name.body;
  EXPECT_EQ(claims_behind(by_name.body).channel_uri,
            core::channel_uri(region.id, VivoxStack::kRealm));

  // Or exactly, by the region UUID when the HUD is told it.
  const auto by_id = routes.handle(
      from_hud("/world/link", link_body(kParcel, true) + "&region=" + std::string(kRegion)));
  ASSERT_EQ(by_id.status, 200u) << by_id.body;
  EXPECT_EQ(claims_behind(by_id.body).channel_uri,
            core::channel_uri(region.id, VivoxStack::kRealm));
}

TEST_F(WorldApiTest, LegacyParcelChannelsUnderADirectoryAreFound) {
  const auto directory = make_channel(std::string(kRegion) + "D", "Wright Plaza", true);
  const auto channel =
      make_channel(std::string(kParcel), "Wright Plaza:Garden", false, directory.id);
  const auto response = routes.handle(from_hud("/world/link", link_body()));
  ASSERT_EQ(response.status, 200u) << response.body;
  EXPECT_EQ(claims_behind(response.body).channel_uri,
            core::channel_uri(channel.id, VivoxStack::kRealm));
}

TEST_F(WorldApiTest, LinkRequestsAreRateLimitedPerAvatar) {
  make_channel(std::string(kParcel), "Wright Plaza:Garden");
  for (int i = 0; i < static_cast<int>(app::WorldLimits::kLinkBurst); ++i) {
    EXPECT_EQ(routes.handle(from_hud("/world/link", link_body())).status, 200u);
  }
  const auto limited = routes.handle(from_hud("/world/link", link_body()));
  EXPECT_EQ(limited.status, 429u);
  EXPECT_EQ(header(limited, "Retry-After"), "10");
}

TEST(WorldApiRoutes, OffWithoutASecret) {
  VivoxStack stack;  // routes without a WorldApi, as webvoxd without world-secret
  http::Request request;
  request.method = "POST";
  request.target = "/world/position";
  request.body = "secret=anything&pos=%3C1%2C2%2C3%3E";
  EXPECT_EQ(stack.routes.handle(request).status, 404u);
  request.target = "/world/link";
  EXPECT_EQ(stack.routes.handle(request).status, 404u);
  EXPECT_EQ(stack.get("/j/AAAAAAAAAAAAAAAAAAAAAA").status, 404u);
}

}  // namespace

// Viewer voice regions (docs/viewers.md, "One world"): a region whose viewers talk through
// webvoxd has no Vivox channels; a HUD there is sent to the region's estate room's channel.
class WorldApiViewerRegionsTest : public WorldApiTest {
 protected:
  world::RegionDirectory directory;
  std::optional<core::Channel> estate;
  app::WorldApi viewer_api{
      std::string(kSecret),
      std::string(VivoxStack::kRealm),
      issuer,
      stack.channels,
      codes,
      [this](const std::string& account, const core::Position& position, base::SteadyTime at) {
        placed.push_back({account, position, at});
      },
      {[this] { return now; }, [this] { return unix_now; }},
      app::ViewerRegions{&directory, [this](const std::string& region) {
                           return region == kRegion ? estate : std::nullopt;
                         }}};
  app::HttpRoutes viewer_routes{stack.api, nullptr, nullptr, &viewer_api};
};

TEST_F(WorldApiViewerRegionsTest, AHudWhereViewersTalkGetsTheRegionsViewerChannel) {
  estate = make_channel(std::string(kRegion), std::string(kRegion) + "/local/-999");
  // No viewer seen there yet: nothing to offer.
  auto response = viewer_routes.handle(from_hud("/world/link", link_body(kParcel, true)));
  EXPECT_EQ(response.status, 404u) << response.body;
  // A viewer of the region stands 10 m from the HUD's wearer (128, 64 in the region's frame).
  directory.note_viewer(std::string(kRegion), 256000 + 138, 256000 + 64);
  response = viewer_routes.handle(from_hud("/world/link", link_body(kParcel, true)));
  ASSERT_EQ(response.status, 200u) << response.body;
  EXPECT_EQ(claims_behind(response.body).channel_uri,
            core::channel_uri(estate->id, VivoxStack::kRealm));
  // A parcel with its own voice has a room nothing here can name.
  response = viewer_routes.handle(from_hud("/world/link", link_body(kParcel, false)));
  EXPECT_EQ(response.status, 404u);
  EXPECT_NE(response.body.find("its own voice"), std::string::npos) << response.body;
}

TEST_F(WorldApiViewerRegionsTest, APositionReportFixesTheRegionsCorner) {
  directory.note_viewer(std::string(kRegion), 256000 + 400,
                        256000 + 100);  // a var region's far cell
  EXPECT_EQ(directory.corner_of(std::string(kRegion)), (world::RegionCorner{256256, 256000}));
  auto request = from_hud("/world/position", "secret=" + std::string(kSecret) +
                                                 "&pos=%3C390%2C%20100%2C%2022%3E&yaw=0");
  EXPECT_EQ(viewer_routes.handle(request).status, 200u);
  EXPECT_EQ(directory.corner_of(std::string(kRegion)), (world::RegionCorner{256000, 256000}));
}
