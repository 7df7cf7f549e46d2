// The offer a Second Life viewer or Firestorm sends through os-webrtc-janus: libwebrtc's
// CreateOffer result for one data channel ("SLData", created first) and one audio track,
// munged by the viewer before SetLocalDescription (shared/spec/viewer-webrtc.md §5.1 and
// "Corrections measured by emulation" 1-2). Shared by the tests of this folder.
#pragma once

#include <cstdio>
#include <sstream>
#include <string>
#include <string_view>

namespace webvox::rtc::sdp::test {

// What the viewer appends after its Opus fmtp line (spec §5.1).
inline constexpr std::string_view kMungedOpusParameters =
    "minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1;maxplaybackrate=48000;"
    "sprop-maxplaybackrate=48000;sprop-maxcapturerate=48000";

// Captured from Chromium 156 (headless, Debian 12): RTCPeerConnection without ICE servers,
// createDataChannel("SLData", {ordered: true}), addTrack(audio track, stream), createOffer().
// As the viewer reads it: before SetLocalDescription, so no candidates and port 9.
inline std::string chromium156_offer() {
  return "v=0\r\n"
         "o=- 625308155877821374 2 IN IP4 127.0.0.1\r\n"
         "s=-\r\n"
         "t=0 0\r\n"
         "a=group:BUNDLE 0 1\r\n"
         "a=extmap-allow-mixed\r\n"
         "a=msid-semantic: WMS e4798eb3-e7e1-4931-912f-bbb9a4aff0d0\r\n"
         "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n"
         "c=IN IP4 0.0.0.0\r\n"
         "a=rtcp:9 IN IP4 0.0.0.0\r\n"
         "a=ice-ufrag:I8o0\r\n"
         "a=ice-pwd:aoKJPl2xNVHEYXyMciQHQPen\r\n"
         "a=ice-options:trickle\r\n"
         "a=fingerprint:sha-256 7A:A5:47:AA:6B:49:DF:BA:1F:69:EB:A0:CD:A6:F1:0F:2F:78:28:99:C8:"
         "D7:64:BF:DA:AC:C8:E5:F6:BE:52:F6\r\n"
         "a=setup:actpass\r\n"
         "a=mid:0\r\n"
         "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
         "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
         "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
         "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
         "a=sendrecv\r\n"
         "a=msid:e4798eb3-e7e1-4931-912f-bbb9a4aff0d0 512cce58-208a-4677-a75a-ad7475c91cb0\r\n"
         "a=rtcp-mux\r\n"
         "a=rtcp-rsize\r\n"
         "a=rtcp-xr:rcvr-rtt=all\r\n"
         "a=rtpmap:111 opus/48000/2\r\n"
         "a=rtcp-fb:111 transport-cc\r\n"
         "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
         "a=rtpmap:63 red/48000/2\r\n"
         "a=fmtp:63 111/111\r\n"
         "a=rtpmap:9 G722/8000\r\n"
         "a=rtpmap:0 PCMU/8000\r\n"
         "a=rtpmap:8 PCMA/8000\r\n"
         "a=rtpmap:13 CN/8000\r\n"
         "a=rtpmap:110 telephone-event/48000\r\n"
         "a=rtpmap:126 telephone-event/8000\r\n"
         "a=ssrc:352412262 cname:3EJ11ndbIDbsbHOk\r\n"
         "a=ssrc:352412262 msid:e4798eb3-e7e1-4931-912f-bbb9a4aff0d0 "
         "512cce58-208a-4677-a75a-ad7475c91cb0\r\n"
         "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
         "c=IN IP4 0.0.0.0\r\n"
         "a=ice-ufrag:I8o0\r\n"
         "a=ice-pwd:aoKJPl2xNVHEYXyMciQHQPen\r\n"
         "a=ice-options:trickle\r\n"
         "a=fingerprint:sha-256 7A:A5:47:AA:6B:49:DF:BA:1F:69:EB:A0:CD:A6:F1:0F:2F:78:28:99:C8:"
         "D7:64:BF:DA:AC:C8:E5:F6:BE:52:F6\r\n"
         "a=setup:actpass\r\n"
         "a=mid:1\r\n"
         "a=sctp-port:5000\r\n"
         "a=max-message-size:262144\r\n";
}

// The viewer's munging (llwebrtc.cpp OnSuccess, quoted in spec §5.1), behaviour for behaviour:
// lines come from std::getline, which keeps each line's CR; the Opus rtpmap is rewritten as
// opus/48000/2 ending in a bare LF (its CR is lost); a line starting "a=fmtp:<opus pt>" (with
// the pt still empty until the Opus rtpmap was seen) is written with its CR and then the
// viewer's own fmtp and an LF, so the two are joined by a lone CR; every other line keeps its
// CR and gets an LF.
inline std::string munge_like_viewer(const std::string& sdp) {
  std::istringstream lines(sdp);
  std::ostringstream munged;
  std::string line;
  std::string opus_payload;
  while (std::getline(lines, line)) {
    int payload_type = 0;
    int rate = 0;
    if (std::sscanf(line.c_str(), "a=rtpmap:%i opus/%i/2", &payload_type, &rate) == 2) {
      opus_payload = std::to_string(payload_type);
      munged << "a=rtpmap:" << opus_payload << " opus/48000/2\n";
    } else if (line.rfind("a=fmtp:" + opus_payload, 0) == 0) {
      munged << line << "a=fmtp:" << opus_payload << ' ' << kMungedOpusParameters << '\n';
    } else {
      munged << line << '\n';
    }
  }
  return munged.str();
}

// The offer webvoxd gets from a viewer (Chromium 156's WebRTC is the viewer's libwebrtc).
inline std::string viewer_offer() { return munge_like_viewer(chromium156_offer()); }

}  // namespace webvox::rtc::sdp::test
