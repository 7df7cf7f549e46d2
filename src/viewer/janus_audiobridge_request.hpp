// The AudioBridge plugin requests ("body" of a Janus "message") this door serves, validated as
// janus_audiobridge.c validates them (same error codes and wording), for the requests
// os-webrtc-janus sends (spec §3.4) plus "exists".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "base/expected.hpp"
#include "viewer/janus_api_error.hpp"

namespace webvox::viewer {

struct AudioBridgeCreate {
  std::optional<std::uint64_t> room;  // none or 0: the bridge picks a number
  std::string description;
  bool is_private = false;
  bool spatial_audio = false;
  std::optional<std::string> pin;     // [OS] sends the channel credentials as the pin
  std::optional<std::string> secret;  // needed to destroy the room
};

struct AudioBridgeDestroy {
  std::uint64_t room = 0;
  std::optional<std::string> secret;
};

struct AudioBridgeJoin {
  std::uint64_t room = 0;
  std::optional<std::uint64_t> id;  // [OS] derives it from the agent id (exceeds 2^53)
  std::optional<std::string> display;
  std::optional<std::string> pin;
};

struct AudioBridgeLeave {};      // the handle's participant; room and id are ignored, as in Janus
struct AudioBridgeConfigure {};  // accepted and ignored (mute/volume travel on SLData)
struct AudioBridgeList {};
struct AudioBridgeListParticipants {
  std::uint64_t room = 0;
};
struct AudioBridgeExists {
  std::uint64_t room = 0;
};

using AudioBridgeRequest = std::variant<AudioBridgeCreate, AudioBridgeDestroy, AudioBridgeJoin,
                                        AudioBridgeLeave, AudioBridgeConfigure, AudioBridgeList,
                                        AudioBridgeListParticipants, AudioBridgeExists>;

using AudioBridgeParse = base::Expected<AudioBridgeRequest, AudioBridgeFailure>;

// `body` is the message's "body" member (an object, checked by the caller). Strings longer
// than max_text_bytes (description, display, pin, secret) are refused as invalid elements.
AudioBridgeParse parse_audiobridge_request(const nlohmann::json& body,
                                           std::size_t max_text_bytes = 1024);

}  // namespace webvox::viewer
