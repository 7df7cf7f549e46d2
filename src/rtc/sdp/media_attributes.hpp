// The small typed attributes of RFC 8866 and its extensions that WebRTC media sections carry,
// each with its parser (on the value after "a=<name>:") and its writer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace webvox::rtc::sdp {

enum class Direction { SendRecv, SendOnly, RecvOnly, Inactive };
enum class SetupRole { ActPass, Active, Passive, HoldConn };  // RFC 4145 §4

struct Rtpmap {  // a=rtpmap:<pt> <encoding>/<clock rate>[/<channels>]
  std::uint8_t payload_type = 0;
  std::string encoding_name;
  std::uint32_t clock_rate = 0;
  std::optional<std::uint32_t> channels;
  friend bool operator==(const Rtpmap&, const Rtpmap&) = default;
};

struct FormatParameter {  // one "name=value" of an fmtp; value empty for a bare "name"
  std::string name;
  std::string value;
  friend bool operator==(const FormatParameter&, const FormatParameter&) = default;
};

struct Fmtp {  // a=fmtp:<pt> <name>=<value>;…
  std::uint8_t payload_type = 0;
  std::vector<FormatParameter> parameters;
  friend bool operator==(const Fmtp&, const Fmtp&) = default;
};

struct RtcpFeedback {                        // a=rtcp-fb:<pt or *> <type> [<parameter>]
  std::optional<std::uint8_t> payload_type;  // nullopt for "*"
  std::string type;
  std::string parameter;
  friend bool operator==(const RtcpFeedback&, const RtcpFeedback&) = default;
};

struct Extmap {  // a=extmap:<id>[/<direction>] <uri> [<attributes>] (RFC 8285)
  std::uint8_t id = 0;
  std::optional<Direction> direction;
  std::string uri;
  std::string attributes;
  friend bool operator==(const Extmap&, const Extmap&) = default;
};

struct Msid {  // a=msid:<stream id> [<track id>] (RFC 8830)
  std::string stream_id;
  std::string track_id;
  friend bool operator==(const Msid&, const Msid&) = default;
};

struct SsrcAttribute {  // a=ssrc:<ssrc> <name>[:<value>] (RFC 5576)
  std::uint32_t ssrc = 0;
  std::string name;
  std::string value;
  friend bool operator==(const SsrcAttribute&, const SsrcAttribute&) = default;
};

struct SsrcGroup {  // a=ssrc-group:<semantics> <ssrc>…
  std::string semantics;
  std::vector<std::uint32_t> ssrcs;
  friend bool operator==(const SsrcGroup&, const SsrcGroup&) = default;
};

struct Group {  // a=group:<semantics> <mid>… (RFC 5888; BUNDLE is RFC 8843)
  std::string semantics;
  std::vector<std::string> mids;
  friend bool operator==(const Group&, const Group&) = default;
};

std::optional<Direction> parse_direction(std::string_view name);
std::optional<SetupRole> parse_setup_role(std::string_view value);
std::optional<Rtpmap> parse_rtpmap(std::string_view value);
std::optional<Fmtp> parse_fmtp(std::string_view value);
std::optional<RtcpFeedback> parse_rtcp_feedback(std::string_view value);
std::optional<Extmap> parse_extmap(std::string_view value);
std::optional<Msid> parse_msid(std::string_view value);
std::optional<SsrcAttribute> parse_ssrc(std::string_view value);
std::optional<SsrcGroup> parse_ssrc_group(std::string_view value);
std::optional<Group> parse_group(std::string_view value);
// RFC 8839: 4–256 ice-chars for the ufrag, 22–256 for the password.
bool is_valid_ice_ufrag(std::string_view ufrag);
bool is_valid_ice_pwd(std::string_view pwd);

std::string_view to_string(Direction direction);
std::string_view to_string(SetupRole role);
std::string format_rtpmap(const Rtpmap& rtpmap);
std::string format_fmtp(const Fmtp& fmtp);
std::string format_extmap(const Extmap& extmap);

}  // namespace webvox::rtc::sdp
