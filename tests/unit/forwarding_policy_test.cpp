// Which channels are forwarded by the server (core::ForwardingPolicy).
#include "core/forwarding_policy.hpp"

#include <gtest/gtest.h>

using namespace webvox::core;

namespace {

// The forwarding a channel goes through as members arrive and leave, one count at a time.
std::vector<ForwardingMode> walk(const ForwardingPolicy& policy,
                                 const std::vector<std::size_t>& counts) {
  std::vector<ForwardingMode> out;
  auto current = ForwardingMode::Mesh;
  for (const auto count : counts) out.push_back(current = policy.decide(current, count));
  return out;
}

constexpr auto M = ForwardingMode::Mesh;
constexpr auto S = ForwardingMode::Sfu;

}  // namespace

TEST(ForwardingPolicy, AutoForwardsOnceTheChannelExceedsTheThreshold) {
  const ForwardingPolicy policy{MediaMode::Auto, 4};
  EXPECT_EQ(walk(policy, {1, 2, 3, 4, 5, 6}), (std::vector{M, M, M, M, S, S}));
}

TEST(ForwardingPolicy, AutoReturnsToTheMeshOnlyBelowTheThreshold) {
  const ForwardingPolicy policy{MediaMode::Auto, 4};
  EXPECT_EQ(walk(policy, {5, 4, 3, 2}), (std::vector{S, S, M, M}));
}

TEST(ForwardingPolicy, OneMemberBouncingAtTheBoundaryFlipsTheChannelAtMostOnce) {
  const ForwardingPolicy policy{MediaMode::Auto, 4};
  // The fifth comes and goes: forwarded from its first arrival on.
  EXPECT_EQ(walk(policy, {4, 5, 4, 5, 4, 5, 4}), (std::vector{M, S, S, S, S, S, S}));
  // Forwarded with four, one reloads (gone, back): one switch to the mesh, then it stays.
  auto current = S;
  std::vector<ForwardingMode> seen;
  for (const std::size_t count : {3, 4, 3, 4, 3, 4})
    seen.push_back(current = policy.decide(current, count));
  EXPECT_EQ(seen, (std::vector{M, M, M, M, M, M}));
}

TEST(ForwardingPolicy, AtTheThresholdTheChannelKeepsItsWay) {
  const ForwardingPolicy policy{MediaMode::Auto, 4};
  EXPECT_EQ(policy.decide(M, 4), M);
  EXPECT_EQ(policy.decide(S, 4), S);
}

TEST(ForwardingPolicy, ThresholdOfOneForwardsAnyConversation) {
  const ForwardingPolicy policy{MediaMode::Auto, 1};
  EXPECT_EQ(walk(policy, {1, 2, 1}), (std::vector{M, S, S}));
}

TEST(ForwardingPolicy, FixedModesIgnoreTheSize) {
  for (const std::size_t count : {0, 1, 4, 5, 100}) {
    for (const auto current : {M, S}) {
      EXPECT_EQ((ForwardingPolicy{MediaMode::Mesh, 4}.decide(current, count)), M);
      EXPECT_EQ((ForwardingPolicy{MediaMode::AlwaysSfu, 4}.decide(current, count)), S);
    }
  }
}

TEST(ForwardingPolicy, ModeNames) {
  EXPECT_EQ(parse_media_mode("auto"), MediaMode::Auto);
  EXPECT_EQ(parse_media_mode("mesh"), MediaMode::Mesh);
  EXPECT_EQ(parse_media_mode("always-sfu"), MediaMode::AlwaysSfu);
  EXPECT_EQ(parse_media_mode("sfu"), MediaMode::AlwaysSfu);
  EXPECT_EQ(parse_media_mode("Auto"), std::nullopt);
  EXPECT_EQ(to_string(MediaMode::AlwaysSfu), "always-sfu");
  EXPECT_EQ(to_string(S), "sfu");
  EXPECT_EQ(to_string(M), "mesh");
}
