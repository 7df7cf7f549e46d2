#include "world/region_directory.hpp"

#include <algorithm>
#include <cmath>

namespace webvox::world {
namespace {

// A grid's global coordinates are metres in an unsigned 32-bit range (a region handle packs
// two of them); anything far beyond that is not a place, and would overflow a cell index.
constexpr double kWorldEdgeMetres = 1099511627776.0;  // 2^40

bool in_world(double x, double y) {
  return std::isfinite(x) && std::isfinite(y) && std::abs(x) < kWorldEdgeMetres &&
         std::abs(y) < kWorldEdgeMetres;
}

}  // namespace

RegionDirectory::Cell RegionDirectory::cell_of(double global_x, double global_y) {
  return {static_cast<std::int64_t>(std::floor(global_x / kCellMetres)),
          static_cast<std::int64_t>(std::floor(global_y / kCellMetres))};
}

void RegionDirectory::note_viewer(const std::string& region_id, double global_x, double global_y) {
  if (!in_world(global_x, global_y)) return;
  const auto cell = cell_of(global_x, global_y);
  std::lock_guard lock(mutex_);
  auto [entry, added] = cells_.try_emplace(cell);
  entry->second.region_id = region_id;
  entry->second.seen = ++uses_;
  if (added && cells_.size() > kMaxCells) forget_oldest_locked();
  corners_.try_emplace(region_id, Corner{{static_cast<double>(cell.first) * kCellMetres,
                                          static_cast<double>(cell.second) * kCellMetres},
                                         false});
}

std::optional<std::string> RegionDirectory::note_world(const RegionCorner& corner, double local_x,
                                                       double local_y) {
  const double x = corner.x + local_x;
  const double y = corner.y + local_y;
  if (!in_world(x, y)) return std::nullopt;
  std::lock_guard lock(mutex_);
  const auto it = cells_.find(cell_of(x, y));
  if (it == cells_.end()) return std::nullopt;
  it->second.seen = ++uses_;
  corners_[it->second.region_id] = Corner{corner, true};
  return it->second.region_id;
}

std::optional<std::string> RegionDirectory::region_at(double global_x, double global_y) const {
  if (!in_world(global_x, global_y)) return std::nullopt;
  std::lock_guard lock(mutex_);
  const auto it = cells_.find(cell_of(global_x, global_y));
  if (it == cells_.end()) return std::nullopt;
  return it->second.region_id;
}

std::optional<RegionCorner> RegionDirectory::corner_of(const std::string& region_id) const {
  std::lock_guard lock(mutex_);
  const auto it = corners_.find(region_id);
  if (it == corners_.end()) return std::nullopt;
  return it->second.corner;
}

void RegionDirectory::forget_oldest_locked() {
  const auto oldest =
      std::min_element(cells_.begin(), cells_.end(),
                       [](const auto& a, const auto& b) { return a.second.seen < b.second.seen; });
  const auto region = oldest->second.region_id;
  cells_.erase(oldest);
  const bool still_seen = std::any_of(cells_.begin(), cells_.end(), [&](const auto& cell) {
    return cell.second.region_id == region;
  });
  if (!still_seen) corners_.erase(region);
}

}  // namespace webvox::world
