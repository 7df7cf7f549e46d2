// The JSON-RPC door (shared/spec/viewer-webrtc.md §2.7, §6.4): webvoxd standing in for the
// grid voice service behind os-webrtc-janus's WebRtcVoiceServiceConnector. The simulator POSTs
//   {"jsonrpc":"2.0","id":"<uuid>","method":"provision_voice_account_request"
//                                          |"voice_signaling_request",
//    "params":{"request":<the viewer's map as JSON>,"userID":"<agent>","scene":"<region>"}}
// and hands `result` back to the viewer (it adopts result.viewer_session as its own id).
// Every body gets exactly one JSON-RPC response object, errors included: the connector calls
// EnsureSuccessStatusCode, so the HTTP layer answers 200 whatever this says. userID and scene
// are trusted (the simulator vouches for them) but must be UUIDs. The URL's secret is the
// HTTP adapter's business; this class sees only the body.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "viewer/viewer_voice.hpp"

namespace webvox::viewer {

struct VoiceRpcLimits {
  // An offer of ViewerRequestLimits::kMaxSdpBytes, escaped, with room for the envelope.
  static constexpr std::size_t kMaxBodyBytes = 128 * 1024;
  static constexpr std::size_t kMaxIdBytes = 128;
  static constexpr std::size_t kMaxErrorMessageBytes = 512;
};

// JSON-RPC 2.0 error codes: the standard ones, and one per ProvisionFailure in the range the
// specification leaves to the server (-32000..-32099).
enum class RpcErrorCode : int {
  ParseError = -32700,      // not JSON, or over kMaxBodyBytes
  InvalidRequest = -32600,  // not a request object (batches, notifications included)
  MethodNotFound = -32601,
  InvalidParams = -32602,  // params, userID/scene, or the viewer's map (message says which)
  OfferRejected = -32001,  // ProvisionFailure::BadOffer
  ServerFull = -32002,     // ProvisionFailure::Full
  Unavailable = -32003,    // ProvisionFailure::Unavailable
};

// How each request ended, for counters.
enum class VoiceRpcOutcome : std::size_t {
  Provisioned,
  ProvisionFailed,
  LoggedOut,
  Signalled,
  ParseError,
  InvalidRequest,
  MethodNotFound,
  InvalidParams,
  kCount,
};

std::string_view to_string(VoiceRpcOutcome outcome);

class VoiceRpcDoor {
 public:
  // Called exactly once per handled body with the response text (a JSON object). For a
  // provision that is when ViewerVoice answers, on whatever thread it answers on.
  using Reply = std::function<void(std::string)>;

  // `voice` must outlive the door; the door's counters outlive it in pending replies.
  explicit VoiceRpcDoor(ViewerVoice& voice);

  void handle(std::string_view body, Reply reply);

  std::uint64_t count(VoiceRpcOutcome outcome) const;

 private:
  using Counters =
      std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(VoiceRpcOutcome::kCount)>;

  ViewerVoice& voice_;
  std::shared_ptr<Counters> counters_;
};

}  // namespace webvox::viewer
