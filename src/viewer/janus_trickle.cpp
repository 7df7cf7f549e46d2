#include "viewer/janus_trickle.hpp"

#include <string_view>
#include <utility>

#include "viewer/janus_json.hpp"

namespace webvox::viewer {

using nlohmann::json;

namespace {

void read_entry(const json& entry, TrickleCandidates& out) {
  if (const json* completed = json_member(entry, "completed");
      completed != nullptr && completed->is_boolean() && completed->get<bool>()) {
    out.completed = true;
    return;
  }
  const json* text = json_member(entry, "candidate");
  if (text == nullptr || !text->is_string()) {
    ++out.rejected;
    return;
  }
  const auto& value = text->get_ref<const std::string&>();
  constexpr std::string_view kPrefix = "candidate:";
  auto parsed = std::string_view(value).substr(0, kPrefix.size()) == kPrefix
                    ? rtc::sdp::parse_candidate_attribute(value)
                    : rtc::sdp::parse_candidate(value);
  if (!parsed) {
    ++out.rejected;
    return;
  }
  out.candidates.push_back(std::move(parsed).value());
}

}  // namespace

TrickleParse parse_janus_trickle(const json& root, std::size_t max_candidates) {
  const json* single = json_member(root, "candidate");
  const json* many = json_member(root, "candidates");
  if (single == nullptr && many == nullptr) {
    return base::unexpected(JanusFailure{JanusError::MissingMandatoryElement,
                                         "Missing mandatory element (candidate|candidates)"});
  }
  if (single != nullptr && many != nullptr) {
    return base::unexpected(
        JanusFailure{JanusError::InvalidJson, "Can't have both candidate and candidates"});
  }
  TrickleCandidates out;
  if (single != nullptr) {
    read_entry(*single, out);
    return out;
  }
  if (!many->is_array()) {
    return base::unexpected(
        JanusFailure{JanusError::InvalidElementType, "candidates is not an array"});
  }
  std::size_t seen = 0;
  for (const json& entry : *many) {
    if (seen == max_candidates) {
      out.over_limit = many->size() - seen;
      break;
    }
    ++seen;
    read_entry(entry, out);
  }
  return out;
}

}  // namespace webvox::viewer
