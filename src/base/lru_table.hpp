#pragma once

#include <algorithm>
#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

namespace webvox::base {

// A map from text keys (sources, accounts, avatars) to state, in bounded memory: at most
// `capacity` keys are kept. When a new key arrives with the table full, the key touched
// longest ago is forgotten and comes back, if ever, with fresh state. Not thread-safe.
template <typename Value>
class LruTable {
 public:
  explicit LruTable(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

  // The key's value, made (default-constructed) if it is new; the key becomes the most recent.
  Value& touch(std::string_view key) {
    const std::string name(key);
    auto found = entries_.find(name);
    if (found == entries_.end()) {
      if (entries_.size() >= capacity_) {
        entries_.erase(recency_.back());
        recency_.pop_back();
      }
      recency_.push_front(name);
      found = entries_.emplace(name, Entry{Value{}, recency_.begin()}).first;
    } else {
      recency_.splice(recency_.begin(), recency_, found->second.recency);
    }
    return found->second.value;
  }

  // The key's value if it is kept; does not change the order.
  Value* find(std::string_view key) {
    const auto found = entries_.find(std::string(key));
    return found == entries_.end() ? nullptr : &found->second.value;
  }

  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    Value value;
    std::list<std::string>::iterator recency;
  };

  std::size_t capacity_;
  std::list<std::string> recency_;  // front: touched most recently
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace webvox::base
