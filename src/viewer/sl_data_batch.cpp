#include "viewer/sl_data_batch.hpp"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

namespace webvox::viewer {
namespace {

using nlohmann::json;

template <typename Iterator>
std::string write(Iterator first, Iterator last) {
  json root = json::object();
  for (auto it = first; it != last; ++it) {
    const auto& [agent, entry] = *it;
    json value = json::object();
    if (entry.join_primary) {
      json join = json::object();
      if (*entry.join_primary) join["p"] = true;
      value["j"] = std::move(join);
    }
    if (entry.leave) value["l"] = true;
    if (entry.power) value["p"] = *entry.power;
    if (entry.voice) value["v"] = *entry.voice;
    if (entry.moderator_muted) value["m"] = *entry.moderator_muted;
    if (entry.version) value["V"] = *entry.version;
    root[agent] = std::move(value);
  }
  return root.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

int power_of_level(double level) {
  if (!(level > 0)) return 0;  // NaN too
  return static_cast<int>(std::min(std::round(level * 128.0), static_cast<double>(kMaxPower)));
}

SlDataBatch::Entry& SlDataBatch::entry(std::string_view agent) {
  auto it = entries_.find(agent);
  if (it == entries_.end()) it = entries_.emplace(std::string(agent), Entry{}).first;
  return it->second;
}

void SlDataBatch::join(std::string_view agent, bool primary) {
  entry(agent).join_primary = primary;
}

void SlDataBatch::leave(std::string_view agent) { entry(agent).leave = true; }

void SlDataBatch::power(std::string_view agent, int power, bool voice) {
  auto& e = entry(agent);
  e.power = std::clamp(power, 0, kMaxPower);
  e.voice = voice;
}

void SlDataBatch::moderator_muted(std::string_view agent, bool muted) {
  entry(agent).moderator_muted = muted;
}

void SlDataBatch::version(std::string_view agent, std::string_view version) {
  entry(agent).version = std::string(version);
}

std::string SlDataBatch::text() const { return write(entries_.begin(), entries_.end()); }

std::vector<std::string> SlDataBatch::texts(std::size_t max_agents) const {
  max_agents = std::max<std::size_t>(max_agents, 1);
  std::vector<std::string> messages;
  auto first = entries_.begin();
  while (first != entries_.end()) {
    auto last = first;
    for (std::size_t n = 0; n < max_agents && last != entries_.end(); ++n) ++last;
    messages.push_back(write(first, last));
    first = last;
  }
  return messages;
}

}  // namespace webvox::viewer
