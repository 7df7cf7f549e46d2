// The error codes of the Janus API and of its AudioBridge plugin, as Janus numbers them
// (janus-gateway src/apierror.h and src/plugins/janus_audiobridge.c), so that os-webrtc-janus
// reads webvoxd's errors exactly as it reads Janus's (shared/spec/viewer-webrtc.md §3).
#pragma once

#include <string>
#include <string_view>

namespace webvox::viewer {

// Core errors: top-level {"janus":"error","error":{"code":…,"reason":…}}.
enum class JanusError : int {
  Unauthorized = 403,
  TransportSpecific = 450,
  MissingRequest = 452,
  UnknownRequest = 453,
  InvalidJson = 454,
  InvalidJsonObject = 455,
  MissingMandatoryElement = 456,
  InvalidRequestPath = 457,
  SessionNotFound = 458,
  HandleNotFound = 459,
  PluginNotFound = 460,
  PluginAttach = 461,
  PluginMessage = 462,
  PluginDetach = 463,
  JsepUnknownType = 464,
  JsepInvalidSdp = 465,
  InvalidElementType = 467,
  UnexpectedAnswer = 469,
  NotAcceptingSessions = 472,
  Unknown = 490,
};

// AudioBridge errors: inside plugindata, {"audiobridge":"event","error_code":…,"error":…}.
enum class AudioBridgeError : int {
  NoMessage = 480,
  InvalidJson = 481,
  InvalidRequest = 482,
  MissingElement = 483,
  InvalidElement = 484,
  NoSuchRoom = 485,
  RoomExists = 486,
  NotJoined = 487,
  Unauthorized = 489,
  IdExists = 490,
  AlreadyJoined = 491,
  NoSuchUser = 492,
  InvalidSdp = 493,
  UnknownError = 499,
};

// Janus's default reason text for a core error (janus_get_api_error).
std::string_view default_reason(JanusError code);

// A core error with its reason, before it is written as a reply.
struct JanusFailure {
  JanusError code = JanusError::Unknown;
  std::string reason;
};

// An AudioBridge error with its reason.
struct AudioBridgeFailure {
  AudioBridgeError code = AudioBridgeError::UnknownError;
  std::string reason;
};

}  // namespace webvox::viewer
