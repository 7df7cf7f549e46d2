#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace webvox::world {

// A region's south-west corner in grid-global metres (x east, y north), as simulators write
// it in X-SecondLife-Region ("Name (x, y)") and as llGetRegionCorner gives it.
struct RegionCorner {
  double x = 0;
  double y = 0;
  friend bool operator==(const RegionCorner&, const RegionCorner&) = default;
};

// Which region is where on the grid, as far as webvoxd can tell: viewers name their region
// by UUID and report grid-global positions; in-world HUDs report region-local positions with
// the region's corner but cannot name its UUID. Tying the two together is what lets a browser
// resident placed by a HUD share a region's voice with the viewers in it (docs/viewers.md).
//
// Regions are 256 m squares or larger multiples of 256 m (var regions) whose corners lie on
// the 256 m grid. A viewer seen at a point marks that point's 256 m cell as its region's; the
// region's corner is taken, until a HUD tells it exactly, as the corner of the first cell a
// viewer of it was seen in (exact for standard regions). Thread-safe.
class RegionDirectory {
 public:
  static constexpr double kCellMetres = 256;
  static constexpr std::size_t kMaxCells = 65536;  // beyond, the least recently seen go

  // A viewer of `region_id` (lower-case hyphenated UUID) stands at this grid-global point.
  void note_viewer(const std::string& region_id, double global_x, double global_y);
  // A HUD in the region with this corner reports a region-local point: the region a viewer
  // was seen in at that grid-global point, whose corner is then known exactly.
  std::optional<std::string> note_world(const RegionCorner& corner, double local_x, double local_y);

  std::optional<std::string> region_at(double global_x, double global_y) const;
  std::optional<RegionCorner> corner_of(const std::string& region_id) const;

 private:
  using Cell = std::pair<std::int64_t, std::int64_t>;
  struct CellHash {
    std::size_t operator()(const Cell& cell) const {
      return std::hash<std::int64_t>()(cell.first) * 31 + std::hash<std::int64_t>()(cell.second);
    }
  };
  struct CellEntry {
    std::string region_id;
    std::uint64_t seen = 0;  // use counter, for forgetting the least recently seen
  };
  struct Corner {
    RegionCorner corner;
    bool exact = false;
  };
  static Cell cell_of(double global_x, double global_y);
  void forget_oldest_locked();

  mutable std::mutex mutex_;
  std::unordered_map<Cell, CellEntry, CellHash> cells_;
  std::unordered_map<std::string, Corner> corners_;
  std::uint64_t uses_ = 0;
};

}  // namespace webvox::world
