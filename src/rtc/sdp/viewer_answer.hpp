// Answering the offer of a Second Life viewer or Firestorm (shared/spec/viewer-webrtc.md §5,
// §6.2): the audio section sendrecv carrying the one stream the server sends this listener
// (its mix), stereo Opus at 48 kHz under the viewer's own payload type, the SLData data
// channel kept, every section in the offer's order under one BUNDLE, ICE-lite, and DTLS as
// the browser SFU answers (make_answer). Pure: text and values in, text and values out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtc/sdp/browser_offer.hpp"
#include "base/expected.hpp"
#include "rtc/sdp/local_description.hpp"

namespace webvox::rtc::sdp {

struct ViewerAnswerOptions {
  std::uint64_t session_id = 1;
  std::uint64_t session_version = 1;
  ServerTransport transport;  // ICE-lite credentials, DTLS fingerprint, addresses and ports
  SendStream mix_stream;      // the listener's mix: its one SSRC, cname and msid
  std::uint64_t max_message_size = kServerMaxMessageSize;
};

// What the media session needs from the negotiation.
struct ViewerMediaSession {
  std::string audio_mid;
  std::uint8_t opus_payload_type = 111;                  // the viewer's, for both directions
  std::optional<std::uint8_t> audio_level_extension_id;  // when the viewer offered it
  std::vector<std::uint32_t> viewer_ssrcs;               // what the viewer sends from
  std::optional<std::string> data_mid;          // the SLData data channel's section, when offered
  SetupRole server_setup = SetupRole::Passive;  // Passive: the server is the DTLS server
  IceCredentials viewer_ice;                    // the viewer's ice-ufrag/ice-pwd
  Fingerprint viewer_fingerprint;               // sha-256 of the viewer's DTLS certificate

  bool data_channels() const { return data_mid.has_value(); }
};

struct ViewerAnswer {
  std::string sdp;  // the answer, CRLF lines
  ViewerMediaSession session;
};

enum class ViewerAnswerErrorCode {
  UnparsableOffer,    // not SDP the parser accepts
  UnacceptableOffer,  // SDP, but nothing webvoxd can answer (no Opus, no BUNDLE, …)
  CannotWriteAnswer,  // the server's own transport or stream is invalid: a configuration fault
};

struct ViewerAnswerError {
  ViewerAnswerErrorCode code;
  std::string detail;  // the parser's, validator's or writer's description

  std::string describe() const;
};

// The Opus parameters of the answer's one a=fmtp line: stereo both ways at 48 kHz, in-band FEC.
inline constexpr std::string_view kViewerAnswerOpusParameters =
    "minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1;maxplaybackrate=48000;"
    "sprop-maxcapturerate=48000";

// The answer to an offer validate_offer accepted. The first audio section is answered (send
// and receive as the viewer offered; the viewer offers sendrecv) and any further audio
// section rejected with port 0; the first data channel is accepted; other sections rejected.
base::Expected<ViewerAnswer, ViewerAnswerError> answer_viewer_offer(
    const BrowserOffer& offer, const ViewerAnswerOptions& options);

// The same from the offer's text as the viewer sent it (parse, validate, answer).
base::Expected<ViewerAnswer, ViewerAnswerError> answer_viewer_offer(
    std::string_view offer_sdp, const ViewerAnswerOptions& options);

}  // namespace webvox::rtc::sdp
