#include "viewer/viewer_request.hpp"

#include <limits>
#include <utility>

#include "rtc/sdp/text_scan.hpp"

namespace webvox::viewer {
namespace {

using nlohmann::json;
using Limits = ViewerRequestLimits;

constexpr std::string_view kCandidatePrefix = "candidate:";

const json* member(const json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// Present and not JSON null (LLSD undef arrives as null).
const json* given(const json& object, const char* key) {
  const json* value = member(object, key);
  return value == nullptr || value->is_null() ? nullptr : value;
}

bool has_control_characters(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return true;
  }
  return false;
}

// A string of at most `limit` bytes without control characters, or nullopt.
std::optional<std::string> bounded_text(const json& value, std::size_t limit) {
  if (!value.is_string()) return std::nullopt;
  const auto& text = value.get_ref<const std::string&>();
  if (text.size() > limit || has_control_characters(text)) return std::nullopt;
  return text;
}

std::optional<std::int64_t> integer_of(const json& value) {
  if (value.is_number_unsigned()) {
    const auto v = value.get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return std::nullopt;
    }
    return static_cast<std::int64_t>(v);
  }
  if (value.is_number_integer()) return value.get<std::int64_t>();
  return std::nullopt;
}

// The viewer_session of a request: nullopt when absent or undef, an error when malformed.
base::Expected<std::optional<std::string>, RequestMapError> viewer_session_of(const json& request) {
  const json* value = given(request, "viewer_session");
  if (value == nullptr) return std::optional<std::string>{};
  auto text = bounded_text(*value, Limits::kMaxViewerSessionBytes);
  if (!text || !rtc::sdp::is_visible(*text)) {
    return base::unexpected(RequestMapError::BadViewerSession);
  }
  return std::optional<std::string>{std::move(*text)};
}

bool is_webrtc(const json& request) {
  const json* type = member(request, "voice_server_type");
  // The simulator only turns away strings other than "webrtc" (any case); so does this.
  return type == nullptr || !type->is_string() ||
         rtc::sdp::equals_ignoring_case(type->get_ref<const std::string&>(), "webrtc");
}

base::Expected<std::string, RequestMapError> offer_of(const json& request) {
  const json* jsep = given(request, "jsep");
  if (jsep == nullptr) return base::unexpected(RequestMapError::MissingOffer);
  if (!jsep->is_object()) return base::unexpected(RequestMapError::BadOffer);
  const json* type = member(*jsep, "type");
  const json* sdp = member(*jsep, "sdp");
  if (type == nullptr || !type->is_string() || type->get_ref<const std::string&>() != "offer" ||
      sdp == nullptr || !sdp->is_string() || sdp->get_ref<const std::string&>().empty()) {
    return base::unexpected(RequestMapError::BadOffer);
  }
  if (sdp->get_ref<const std::string&>().size() > Limits::kMaxSdpBytes) {
    return base::unexpected(RequestMapError::OfferTooLarge);
  }
  return sdp->get<std::string>();
}

ProvisionRequestMap parse_connect(const json& request) {
  ConnectRequest connect;
  const json* channel_type = given(request, "channel_type");
  if (channel_type == nullptr) return base::unexpected(RequestMapError::MissingChannelType);
  if (!channel_type->is_string()) return base::unexpected(RequestMapError::BadChannelType);
  const auto& type = channel_type->get_ref<const std::string&>();
  if (type == "local") {
    connect.channel_type = ChannelType::Local;
  } else if (type == "multiagent") {
    connect.channel_type = ChannelType::Multiagent;
  } else {
    return base::unexpected(RequestMapError::BadChannelType);
  }

  auto offer = offer_of(request);
  if (!offer) return base::unexpected(offer.error());
  connect.offer_sdp = std::move(offer).value();

  if (const json* parcel = given(request, "parcel_local_id")) {
    const auto id = integer_of(*parcel);
    if (!id || *id < std::numeric_limits<std::int32_t>::min() ||
        *id > std::numeric_limits<std::int32_t>::max()) {
      return base::unexpected(RequestMapError::BadParcel);
    }
    if (*id != kEstateRoomParcel) connect.parcel_local_id = static_cast<std::int32_t>(*id);
  }
  if (const json* credentials = given(request, "credentials")) {
    auto text = bounded_text(*credentials, Limits::kMaxCredentialsBytes);
    if (!text) return base::unexpected(RequestMapError::BadCredentials);
    connect.credentials = std::move(*text);
  }
  if (const json* gridhash = given(request, "gridhash")) {
    if (!gridhash->is_string()) return base::unexpected(RequestMapError::BadGridHash);
    const auto& text = gridhash->get_ref<const std::string&>();
    if (!text.empty()) {
      const auto uuid = base::parse_uuid(text);
      if (!uuid) return base::unexpected(RequestMapError::BadGridHash);
      connect.gridhash = base::format_uuid(*uuid);
    }
  }
  if (connect.channel_type == ChannelType::Multiagent) {
    // The viewer sends "channel"; the addon reads "channel_id" (spec §3.5): either will do,
    // the viewer's key first.
    const json* channel = given(request, "channel");
    if (channel == nullptr ||
        (channel->is_string() && channel->get_ref<const std::string&>().empty())) {
      if (const json* channel_id = given(request, "channel_id")) channel = channel_id;
    }
    if (channel == nullptr) return base::unexpected(RequestMapError::MissingChannel);
    auto text = bounded_text(*channel, Limits::kMaxChannelBytes);
    if (!text) return base::unexpected(RequestMapError::BadChannel);
    if (text->empty()) return base::unexpected(RequestMapError::MissingChannel);
    connect.channel = std::move(*text);
  }
  return ConnectOrLogout{std::move(connect)};
}

// One {sdpMid, sdpMLineIndex, candidate} object; nullopt if anything in it is unusable.
std::optional<TrickledCandidate> candidate_of(const json& value) {
  if (!value.is_object()) return std::nullopt;
  TrickledCandidate trickled;
  if (const json* mid = given(value, "sdpMid")) {
    auto text = bounded_text(*mid, Limits::kMaxSdpMidBytes);
    if (!text) return std::nullopt;
    trickled.sdp_mid = std::move(*text);
  }
  if (const json* index = given(value, "sdpMLineIndex")) {
    const auto number = integer_of(*index);
    if (!number || *number < 0 || *number > std::numeric_limits<std::uint16_t>::max()) {
      return std::nullopt;
    }
    trickled.sdp_mline_index = static_cast<std::uint16_t>(*number);
  }
  const json* candidate = member(value, "candidate");
  if (candidate == nullptr || !candidate->is_string()) return std::nullopt;
  std::string_view text = candidate->get_ref<const std::string&>();
  if (text.size() > Limits::kMaxCandidateBytes) return std::nullopt;
  // The viewer sends the bare attribute value; RTCIceCandidate strings carry the prefix.
  if (text.starts_with(kCandidatePrefix)) text.remove_prefix(kCandidatePrefix.size());
  auto parsed = rtc::sdp::parse_candidate(text);
  if (!parsed) return std::nullopt;
  trickled.candidate = std::move(parsed.value());
  return trickled;
}

}  // namespace

bool LogoutRequest::all_sessions() const {
  const auto uuid = base::parse_uuid(viewer_session);
  return uuid && base::is_nil(*uuid);
}

std::string_view to_string(RequestMapError error) {
  switch (error) {
    case RequestMapError::NotAnObject:
      return "the request is not a map";
    case RequestMapError::NotWebRtc:
      return "voice_server_type is not webrtc";
    case RequestMapError::BadViewerSession:
      return "viewer_session missing or malformed";
    case RequestMapError::MissingOffer:
      return "jsep (the offer) is missing";
    case RequestMapError::BadOffer:
      return "jsep is not {type: offer, sdp}";
    case RequestMapError::OfferTooLarge:
      return "the offer SDP is too large";
    case RequestMapError::MissingChannelType:
      return "channel_type is missing";
    case RequestMapError::BadChannelType:
      return "channel_type is neither local nor multiagent";
    case RequestMapError::BadParcel:
      return "parcel_local_id is not a 32-bit integer";
    case RequestMapError::MissingChannel:
      return "a multiagent request needs channel";
    case RequestMapError::BadChannel:
      return "channel is not a short printable string";
    case RequestMapError::BadCredentials:
      return "credentials is not a short printable string";
    case RequestMapError::BadGridHash:
      return "gridhash is not a UUID";
    case RequestMapError::BadCandidates:
      return "candidates/candidate malformed";
    case RequestMapError::TooManyCandidates:
      return "too many candidates in one request";
  }
  return "unknown";
}

ProvisionRequestMap parse_provision_request(const json& request) {
  if (!request.is_object()) return base::unexpected(RequestMapError::NotAnObject);
  if (!is_webrtc(request)) return base::unexpected(RequestMapError::NotWebRtc);
  auto session = viewer_session_of(request);
  if (!session) return base::unexpected(session.error());
  auto& viewer_session = *session;

  const json* logout = member(request, "logout");
  if (logout != nullptr && logout->is_boolean() && logout->get<bool>()) {
    if (!viewer_session) return base::unexpected(RequestMapError::BadViewerSession);
    return ConnectOrLogout{LogoutRequest{std::move(*viewer_session)}};
  }
  // A connection request never carries a viewer_session ([SL] requestVoiceConnection); one
  // that does is answered as a new connection all the same.
  return parse_connect(request);
}

SignallingRequestMap parse_signalling_request(const json& request) {
  if (!request.is_object()) return base::unexpected(RequestMapError::NotAnObject);
  if (!is_webrtc(request)) return base::unexpected(RequestMapError::NotWebRtc);
  auto session = viewer_session_of(request);
  if (!session) return base::unexpected(session.error());

  SignallingRequest signalling;
  if (auto& id = *session) {
    signalling.viewer_session = std::move(*id);
  }

  if (const json* candidates = given(request, "candidates")) {
    if (!candidates->is_array()) return base::unexpected(RequestMapError::BadCandidates);
    if (candidates->size() > Limits::kMaxCandidates) {
      return base::unexpected(RequestMapError::TooManyCandidates);
    }
    for (const auto& value : *candidates) {
      if (auto trickled = candidate_of(value)) {
        signalling.candidates.push_back(std::move(*trickled));
      } else {
        ++signalling.skipped_candidates;
      }
    }
  }
  if (const json* candidate = given(request, "candidate")) {
    if (!candidate->is_object()) return base::unexpected(RequestMapError::BadCandidates);
    const json* completed = member(*candidate, "completed");
    if (completed != nullptr) {
      if (!completed->is_boolean()) return base::unexpected(RequestMapError::BadCandidates);
      signalling.completed = completed->get<bool>();
    } else if (member(*candidate, "candidate") != nullptr) {
      if (signalling.candidates.size() >= Limits::kMaxCandidates) {
        return base::unexpected(RequestMapError::TooManyCandidates);
      }
      if (auto trickled = candidate_of(*candidate)) {
        signalling.candidates.push_back(std::move(*trickled));
      } else {
        ++signalling.skipped_candidates;
      }
    } else {
      return base::unexpected(RequestMapError::BadCandidates);
    }
  }
  return signalling;
}

RoomKey local_room_key(const base::Uuid& region, std::optional<std::int32_t> parcel_local_id) {
  if (parcel_local_id == kEstateRoomParcel) parcel_local_id.reset();
  const auto region_text = base::format_uuid(region);
  RoomKey key;
  key.id = region_text + "/local/" + std::to_string(parcel_local_id.value_or(kEstateRoomParcel));
  key.spatial = true;
  key.region_id = region_text;
  key.parcel_local_id = parcel_local_id;
  return key;
}

RoomKey multiagent_room_key(std::string_view gridhash, std::string_view channel) {
  RoomKey key;
  key.id.reserve(gridhash.size() + channel.size() + 12);
  key.id.append(gridhash).append("/multiagent/").append(channel);
  key.spatial = false;
  return key;
}

RoomKey room_key_of(const ConnectRequest& request, const base::Uuid& scene) {
  if (request.channel_type == ChannelType::Local) {
    return local_room_key(scene, request.parcel_local_id);
  }
  return multiagent_room_key(request.gridhash, request.channel);
}

}  // namespace webvox::viewer
