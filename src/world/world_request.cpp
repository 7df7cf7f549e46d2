#include "world/world_request.hpp"

#include <charconv>
#include <cmath>

#include "base/uuid.hpp"
#include "base/query_string.hpp"

namespace webvox::world {
namespace {

using base::Parameters;

// Refuses a request, saying why.
base::Unexpected<BadWorldRequest> refuse(std::string reason) {
  return base::unexpected(BadWorldRequest{std::move(reason)});
}

// parse_form keeps duplicates; get() answers the first and get_last() the last occurrence,
// so the two views differ exactly when a key was given more than once.
bool given_twice(const Parameters& form, std::string_view key) {
  const auto first = form.get(key);
  const auto last = form.get_last(key);
  return first && last && first->data() != last->data();
}

std::optional<std::string> secret_of(const Parameters& form) {
  const auto secret = form.get("secret");
  if (!secret || secret->empty() || secret->size() > WorldRequestLimits::kMaxSecretBytes ||
      given_twice(form, "secret")) {
    return std::nullopt;
  }
  return std::string(*secret);
}

std::string_view trim(std::string_view text) {
  const auto space = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

std::optional<double> parse_number(std::string_view text) {
  text = trim(text);
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

// The field, or a reason: absent fields are nothing, duplicates are refused.
base::Expected<std::optional<std::string_view>, BadWorldRequest> field(const Parameters& form,
                                                                       std::string_view key) {
  if (given_twice(form, key)) return refuse("'" + std::string(key) + "' given twice");
  return form.get(key);
}

base::Expected<PositionReport, BadWorldRequest> position_fields(const Parameters& form) {
  std::optional<std::string_view> values[3];
  const std::string_view keys[3] = {"pos", "rot", "yaw"};
  for (int i = 0; i < 3; ++i) {
    auto value = field(form, keys[i]);
    if (!value) return base::unexpected(value.error());
    values[i] = *value;
  }
  const auto& [pos, rot, yaw_text] = values;
  if (!pos) return refuse("'pos' is missing: pos=<x, y, z> in region metres");
  const auto xyz = parse_lsl_tuple(*pos, 3);
  if (!xyz) return refuse("'pos' is not a vector <x, y, z> of finite numbers");
  if (rot && yaw_text) return refuse("give 'rot' or 'yaw', not both");

  double yaw = 0;
  if (rot) {
    const auto xyzs = parse_lsl_tuple(*rot, 4);
    if (!xyzs) return refuse("'rot' is not a rotation <x, y, z, s> of finite numbers");
    const auto heading = core::yaw_of({(*xyzs)[0], (*xyzs)[1], (*xyzs)[2], (*xyzs)[3]});
    if (const auto* error = heading ? nullptr : &heading.error()) {
      return refuse("'rot': " + error->message);
    }
    yaw = *heading;
  } else if (yaw_text) {
    const auto value = parse_number(*yaw_text);
    if (!value) return refuse("'yaw' is not a finite number of radians");
    yaw = *value;
  }
  const auto checked = core::validate_position((*xyz)[0], (*xyz)[1], (*xyz)[2], yaw);
  if (const auto* error = checked ? nullptr : &checked.error()) {
    return refuse("'pos': " + error->message);
  }
  return PositionReport{*checked};
}

base::Expected<std::string, BadWorldRequest> uuid_field(std::string_view key,
                                                        std::string_view text) {
  const auto uuid = base::parse_uuid(text);
  if (!uuid) return refuse("'" + std::string(key) + "' is not a UUID");
  if (base::is_nil(*uuid)) return refuse("'" + std::string(key) + "' is the null key");
  return base::format_uuid(*uuid);
}

base::Expected<LinkRequest, BadWorldRequest> link_fields(const Parameters& form) {
  std::optional<std::string_view> values[3];
  const std::string_view keys[3] = {"parcel", "estate_voice", "region"};
  for (int i = 0; i < 3; ++i) {
    auto value = field(form, keys[i]);
    if (!value) return base::unexpected(value.error());
    values[i] = *value;
  }
  const auto& [parcel, estate_voice, region] = values;
  LinkRequest request;
  if (!parcel) return refuse("'parcel' is missing: the PARCEL_DETAILS_ID of the parcel");
  auto parcel_id = uuid_field("parcel", *parcel);
  if (!parcel_id) return base::unexpected(parcel_id.error());
  request.parcel_id = std::move(parcel_id).value();
  if (estate_voice) {
    if (*estate_voice != "0" && *estate_voice != "1") {
      return refuse("'estate_voice' must be 0 or 1");
    }
    request.estate_voice = *estate_voice == "1";
  }
  if (region) {
    auto region_id = uuid_field("region", *region);
    if (!region_id) return base::unexpected(region_id.error());
    request.region_id = std::move(region_id).value();
  }
  return request;
}

template <class T, class Fields>
ParsedWorldRequest<T> parse(std::string_view body, Fields fields) {
  if (body.size() > WorldRequestLimits::kMaxBodyBytes) {
    return {std::nullopt, refuse("the body is over " +
                                 std::to_string(WorldRequestLimits::kMaxBodyBytes) + " bytes")};
  }
  const auto form = base::parse_form(body);
  return {secret_of(form), fields(form)};
}

}  // namespace

std::optional<std::array<double, 4>> parse_lsl_tuple(std::string_view text, std::size_t count) {
  text = trim(text);
  if (count == 0 || count > 4 || text.size() < 2 || text.front() != '<' || text.back() != '>') {
    return std::nullopt;
  }
  text = text.substr(1, text.size() - 2);
  std::array<double, 4> values{};
  for (std::size_t i = 0; i < count; ++i) {
    const auto comma = text.find(',');
    const bool last = i + 1 == count;
    if (last != (comma == std::string_view::npos)) return std::nullopt;
    const auto value = parse_number(text.substr(0, comma));
    if (!value) return std::nullopt;
    values[i] = *value;
    if (!last) text.remove_prefix(comma + 1);
  }
  return values;
}

ParsedWorldRequest<PositionReport> parse_position_report(std::string_view body) {
  return parse<PositionReport>(body, position_fields);
}

ParsedWorldRequest<LinkRequest> parse_link_request(std::string_view body) {
  return parse<LinkRequest>(body, link_fields);
}

}  // namespace webvox::world
