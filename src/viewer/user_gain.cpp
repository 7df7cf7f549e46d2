#include "viewer/user_gain.hpp"

#include <algorithm>

namespace webvox::viewer {

double user_gain(std::uint32_t ug) {
  return std::min(static_cast<double>(ug) / kUnityUserGain, kMaxUserGain);
}

}  // namespace webvox::viewer
