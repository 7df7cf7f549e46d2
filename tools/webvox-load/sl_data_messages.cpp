#include "sl_data_messages.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

namespace webvox::load {

std::string primary_join_message() { return R"({"j":{"p":true}})"; }

std::string pose_message(const ViewerPose& pose) {
  const auto cm = [](double metres) { return static_cast<long long>(metres * 100); };  // truncated
  const auto x100 = [](double value) { return static_cast<long long>(value * 100); };
  // A rotation about +Z (up) by yaw: (x, y, z, w) = (0, 0, sin(yaw/2), cos(yaw/2)).
  const nlohmann::json position = {{"x", cm(pose.x)}, {"y", cm(pose.y)}, {"z", cm(pose.z)}};
  const nlohmann::json rotation = {
      {"x", 0}, {"y", 0}, {"z", x100(std::sin(pose.yaw / 2))}, {"w", x100(std::cos(pose.yaw / 2))}};
  return nlohmann::json{{"sp", position}, {"sh", rotation}, {"lp", position}, {"lh", rotation}}
      .dump();
}

}  // namespace webvox::load
