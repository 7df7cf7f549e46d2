// The viewer's provision and signalling maps as the simulator forwards them (shared/spec/
// viewer-webrtc.md §2.3, §2.4): the parsers must never throw or crash, and whatever they
// accept must be within its bounds, name rooms unambiguously, and hold candidates that
// format and parse back unchanged.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "base/uuid.hpp"
#include "fuzz_checks.hpp"
#include "rtc/sdp/candidate.hpp"
#include "viewer/viewer_request.hpp"

using namespace webvox;
using webvox::fuzz::fail;
using Limits = viewer::ViewerRequestLimits;

namespace {

bool printable(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return false;
  }
  return true;
}

void check_session(std::string_view session, std::string_view input) {
  if (session.size() > Limits::kMaxViewerSessionBytes) fail("viewer_session over its bound", input);
  for (const char c : session) {
    if (c <= 0x20 || c >= 0x7f) fail("viewer_session not visible ASCII", input);
  }
}

void check_connect(const viewer::ConnectRequest& connect, std::string_view input) {
  if (connect.offer_sdp.empty() || connect.offer_sdp.size() > Limits::kMaxSdpBytes) {
    fail("offer outside its bounds", input);
  }
  if (connect.parcel_local_id == viewer::kEstateRoomParcel) fail("-999 kept as a parcel", input);
  if (connect.credentials.size() > Limits::kMaxCredentialsBytes ||
      !printable(connect.credentials)) {
    fail("credentials outside their bounds", input);
  }
  if (!connect.gridhash.empty()) {
    const auto uuid = base::parse_uuid(connect.gridhash);
    if (!uuid || base::format_uuid(*uuid) != connect.gridhash) {
      fail("gridhash not canonical", input);
    }
  }
  const auto scene = *base::parse_uuid("11111111-2222-3333-4444-555555555555");
  const auto key = viewer::room_key_of(connect, scene);
  if (connect.channel_type == viewer::ChannelType::Local) {
    if (!connect.channel.empty()) fail("local request kept a channel", input);
    if (!key.spatial || key.region_id != "11111111-2222-3333-4444-555555555555" ||
        key.parcel_local_id != connect.parcel_local_id) {
      fail("local room key wrong", input);
    }
    const auto expected = "11111111-2222-3333-4444-555555555555/local/" +
                          std::to_string(connect.parcel_local_id.value_or(-999));
    if (key.id != expected) fail("local room id wrong", input);
  } else {
    if (connect.channel.empty() || connect.channel.size() > Limits::kMaxChannelBytes ||
        !printable(connect.channel)) {
      fail("channel outside its bounds", input);
    }
    if (key.spatial || key.region_id ||
        key.id != connect.gridhash + "/multiagent/" + connect.channel) {
      fail("multiagent room key wrong", input);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto json = nlohmann::json::parse(input.begin(), input.end(), nullptr, false);
  if (json.is_discarded()) return 0;

  const auto provision = viewer::parse_provision_request(json);
  if (!provision) {
    if (viewer::to_string(provision.error()).empty()) fail("refusal without a reason", input);
  } else if (const auto* connect = std::get_if<viewer::ConnectRequest>(&*provision)) {
    check_connect(*connect, input);
  } else {
    const auto& logout = std::get<viewer::LogoutRequest>(*provision);
    if (logout.viewer_session.empty()) fail("logout without a session", input);
    check_session(logout.viewer_session, input);
  }

  const auto signalling = viewer::parse_signalling_request(json);
  if (signalling) {
    const auto* request = &*signalling;
    check_session(request->viewer_session, input);
    if (request->candidates.size() > Limits::kMaxCandidates) fail("too many candidates", input);
    for (const auto& trickled : request->candidates) {
      if (trickled.sdp_mid && trickled.sdp_mid->size() > Limits::kMaxSdpMidBytes) {
        fail("sdpMid over its bound", input);
      }
      const auto text = rtc::sdp::format_candidate(trickled.candidate);
      const auto again = rtc::sdp::parse_candidate(text);
      if (!again || again.value() != trickled.candidate) {
        fail("candidate does not round-trip", text);
      }
    }
  } else if (viewer::to_string(signalling.error()).empty()) {
    fail("refusal without a reason", input);
  }
  return 0;
}
