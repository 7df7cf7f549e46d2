#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace webvox::base {

// Decoded request parameters, in order, duplicates kept. get() answers the first occurrence.
class Parameters {
 public:
  std::optional<std::string_view> get(std::string_view key) const;
  // The last occurrence: for keys the module writes after a raw, user-controlled value
  // (a parcel name in chan_desc can smuggle in "&chan_type=dir"; the genuine one follows).
  std::optional<std::string_view> get_last(std::string_view key) const;
  void add(std::string key, std::string value);
  // Adds every parameter of `other` whose key is not present yet.
  void merge(const Parameters& other);
  std::size_t size() const { return entries_.size(); }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

// Decodes %XX escapes (a malformed escape stays as it is). '+' is a literal plus unless
// plus_is_space is set.
std::string percent_decode(std::string_view text, bool plus_is_space);

// A query string as VivoxVoiceModule sends it (spec §3): values are inserted raw, so pairs
// split at '&' and at the *first* '='; empty pairs and pairs without '=' are skipped;
// '+' is literal (the module never encodes a space as '+', and a '+' in a password arrives
// as '+'); anything after '#' was never sent.
Parameters parse_query(std::string_view query);

// An application/x-www-form-urlencoded body (SLVoice posts forms): as above, but '+' is a
// space, as that encoding defines.
Parameters parse_form(std::string_view body);

}  // namespace webvox::base
