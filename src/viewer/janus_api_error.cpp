#include "viewer/janus_api_error.hpp"

namespace webvox::viewer {

std::string_view default_reason(JanusError code) {
  switch (code) {
    case JanusError::Unauthorized:
      return "Unauthorized request (wrong or missing secret/token)";
    case JanusError::TransportSpecific:
      return "Transport specific error";
    case JanusError::MissingRequest:
      return "Missing request";
    case JanusError::UnknownRequest:
      return "Unknown request";
    case JanusError::InvalidJson:
      return "Invalid JSON";
    case JanusError::InvalidJsonObject:
      return "Invalid JSON Object";
    case JanusError::MissingMandatoryElement:
      return "Missing mandatory element";
    case JanusError::InvalidRequestPath:
      return "Invalid path for this request";
    case JanusError::SessionNotFound:
      return "Session not found";
    case JanusError::HandleNotFound:
      return "Handle not found";
    case JanusError::PluginNotFound:
      return "Plugin not found";
    case JanusError::PluginAttach:
      return "Error attaching plugin";
    case JanusError::PluginMessage:
      return "Error sending message to plugin";
    case JanusError::PluginDetach:
      return "Error detaching from plugin";
    case JanusError::JsepUnknownType:
      return "Unsupported JSEP type";
    case JanusError::JsepInvalidSdp:
      return "Invalid SDP";
    case JanusError::InvalidElementType:
      return "Invalid element type";
    case JanusError::UnexpectedAnswer:
      return "Unexpected ANSWER (no OFFER)";
    case JanusError::NotAcceptingSessions:
      return "Currently not accepting new sessions";
    case JanusError::Unknown:
      return "Unknown error";
  }
  return "Unknown error";
}

}  // namespace webvox::viewer
