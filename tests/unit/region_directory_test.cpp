#include "world/region_directory.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "world/secondlife_headers.hpp"

using webvox::world::RegionCorner;
using webvox::world::RegionDirectory;

namespace {
constexpr char kRegion[] = "11111111-2222-3333-4444-555555555555";
constexpr char kNeighbour[] = "aaaaaaaa-2222-3333-4444-555555555555";
}  // namespace

TEST(RegionDirectory, AViewersCellNamesItsRegionAndEstimatesTheCorner) {
  RegionDirectory directory;
  EXPECT_FALSE(directory.region_at(256100, 256100));
  directory.note_viewer(kRegion, 256000 + 100.5, 256000 + 200.25);
  EXPECT_EQ(directory.region_at(256000, 256255.9), kRegion);
  EXPECT_FALSE(directory.region_at(256256, 256100));  // the next cell east: not seen
  EXPECT_EQ(directory.corner_of(kRegion), (RegionCorner{256000, 256000}));
}

TEST(RegionDirectory, AHudInASeenCellFindsTheRegionAndFixesItsCorner) {
  RegionDirectory directory;
  // A 512 m var region whose first viewer stood in its north-east cell: the estimate is off.
  directory.note_viewer(kRegion, 256000 + 400, 256000 + 300);
  EXPECT_EQ(directory.corner_of(kRegion), (RegionCorner{256256, 256256}));
  // A HUD near that viewer reports its region-local position and the true corner.
  EXPECT_EQ(directory.note_world({256000, 256000}, 410, 290), kRegion);
  EXPECT_EQ(directory.corner_of(kRegion), (RegionCorner{256000, 256000}));
  // A HUD where no viewer was seen learns nothing.
  EXPECT_FALSE(directory.note_world({256000, 256000}, 10, 10));
  // A later viewer elsewhere in the region does not undo the exact corner.
  directory.note_viewer(kRegion, 256000 + 10, 256000 + 10);
  EXPECT_EQ(directory.corner_of(kRegion), (RegionCorner{256000, 256000}));
}

TEST(RegionDirectory, CellsAreBoundedAndForgottenRegionsLoseTheirCorner) {
  RegionDirectory directory;
  directory.note_viewer(kNeighbour, 0, 0);
  for (std::size_t i = 0; i < RegionDirectory::kMaxCells; ++i) {
    directory.note_viewer(kRegion, 256.0 * static_cast<double>(i + 1), 0);
  }
  EXPECT_FALSE(directory.region_at(0, 0));  // the least recently seen went first
  EXPECT_FALSE(directory.corner_of(kNeighbour));
  EXPECT_TRUE(directory.corner_of(kRegion));
}

TEST(RegionDirectory, NotFiniteNumbersAreIgnored) {
  RegionDirectory directory;
  directory.note_viewer(kRegion, std::nan(""), 0);
  EXPECT_FALSE(directory.corner_of(kRegion));
  EXPECT_FALSE(directory.note_world({0, 0}, 1e308, 1e308));
  directory.note_viewer(kRegion, 1e306, 0);
  EXPECT_FALSE(directory.corner_of(kRegion));
  EXPECT_FALSE(directory.region_at(-1e300, 5));
}

TEST(SecondLifeHeaders, TheRegionHeaderGivesItsCorner) {
  EXPECT_EQ(webvox::world::region_corner_of("Oneworld (256000, 256512)"),
            (RegionCorner{256000, 256512}));
  EXPECT_EQ(webvox::world::region_corner_of("Odd (name) (0, -256)"), (RegionCorner{0, -256}));
  EXPECT_FALSE(webvox::world::region_corner_of("Huge (99999999999, 0)"));
  EXPECT_FALSE(webvox::world::region_corner_of("No corner"));
}

TEST(SecondLifeHeaders, TheLocalPositionHeaderGivesMetres) {
  const auto p = webvox::world::local_position_of("(128.500000, 64.000000, 22.100000)");
  ASSERT_TRUE(p);
  EXPECT_DOUBLE_EQ(p->x, 128.5);
  EXPECT_DOUBLE_EQ(p->y, 64);
  EXPECT_DOUBLE_EQ(p->z, 22.1);
  EXPECT_FALSE(webvox::world::local_position_of("(1, 2)"));
  EXPECT_FALSE(webvox::world::local_position_of("(1, 2, 3, 4)"));
  EXPECT_FALSE(webvox::world::local_position_of("(nan, 2, 3)"));
  EXPECT_FALSE(webvox::world::local_position_of("(1x, 2, 3)"));
  EXPECT_FALSE(webvox::world::local_position_of("1, 2, 3"));
}
