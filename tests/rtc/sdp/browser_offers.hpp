// Offers in the shape current browsers write them (hand-written: addresses, ids and keys are
// made up), shared by the tests of this folder.
#pragma once

#include <string>
#include <string_view>

namespace webvox::rtc::sdp::test {

// Chromium: audio sendrecv + data channel, max-bundle, candidates gathered before the offer
// was read (mDNS host, TCP active, srflx), per-section transport attributes.
inline std::string chromium_offer() {
  return "v=0\r\n"
         "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
         "s=-\r\n"
         "t=0 0\r\n"
         "a=group:BUNDLE 0 1\r\n"
         "a=extmap-allow-mixed\r\n"
         "a=msid-semantic: WMS 3f5c2b1e-7c1d-4b7a-9a52-0c3a4e6b8d21\r\n"
         "m=audio 54321 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n"
         "c=IN IP4 203.0.113.45\r\n"
         "a=rtcp:9 IN IP4 0.0.0.0\r\n"
         "a=candidate:1467250027 1 udp 2122260223 3d7c1a2e-5f3b-4c8e-9b1d-2a6f8e4c7b90.local "
         "54321 typ host generation 0 network-cost 999\r\n"
         "a=candidate:2999745851 1 tcp 1518280447 3d7c1a2e-5f3b-4c8e-9b1d-2a6f8e4c7b90.local 9 "
         "typ host tcptype active generation 0 network-cost 999\r\n"
         "a=candidate:842163049 1 udp 1686052607 203.0.113.45 54321 typ srflx raddr 0.0.0.0 "
         "rport 0 generation 0 network-cost 999\r\n"
         "a=ice-ufrag:EsAw\r\n"
         "a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r\n"
         "a=ice-options:trickle\r\n"
         "a=fingerprint:sha-256 D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:"
         "FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F\r\n"
         "a=setup:actpass\r\n"
         "a=mid:0\r\n"
         "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
         "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
         "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
         "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
         "a=sendrecv\r\n"
         "a=msid:3f5c2b1e-7c1d-4b7a-9a52-0c3a4e6b8d21 9b2e4f6a-1c3d-4e5f-8a7b-6c5d4e3f2a1b\r\n"
         "a=rtcp-mux\r\n"
         "a=rtcp-rsize\r\n"
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
         "a=ssrc:1001234567 cname:Yq3mZ8vT2kLp9wXa\r\n"
         "a=ssrc:1001234567 msid:3f5c2b1e-7c1d-4b7a-9a52-0c3a4e6b8d21 "
         "9b2e4f6a-1c3d-4e5f-8a7b-6c5d4e3f2a1b\r\n"
         "m=application 54321 UDP/DTLS/SCTP webrtc-datachannel\r\n"
         "c=IN IP4 203.0.113.45\r\n"
         "a=ice-ufrag:EsAw\r\n"
         "a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r\n"
         "a=ice-options:trickle\r\n"
         "a=fingerprint:sha-256 D2:FA:0E:C3:22:59:5E:14:95:69:92:3D:13:B4:84:24:2C:C2:A2:C0:3E:"
         "FD:34:8E:5E:EA:6F:AF:52:CE:E6:0F\r\n"
         "a=setup:actpass\r\n"
         "a=mid:1\r\n"
         "a=sctp-port:5000\r\n"
         "a=max-message-size:262144\r\n";
}

// Firefox: session-level fingerprints (here two), per-section credentials, attributes in
// alphabetical order, end-of-candidates, an extmap with a direction. Bare LF line ends, as a
// description can arrive after passing through tools that drop the CR.
inline std::string firefox_offer() {
  return "v=0\n"
         "o=mozilla...THIS_IS_SDPARTA-128.0 5153447356473422331 0 IN IP4 0.0.0.0\n"
         "s=-\n"
         "t=0 0\n"
         "a=fingerprint:sha-384 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:"
         "50:55:EA:4C:D5:AC:28:E5:26:9B:57:2F:4E:73:92:E5:4E:1B:27:A1:57:33:4F:2A:3C:D7:5E\n"
         "a=fingerprint:sha-256 5A:1E:9F:0B:7C:33:21:8D:44:6A:E2:10:9B:C7:3F:55:81:D4:06:EE:2B:"
         "90:71:A3:CC:18:5D:F0:47:B2:69:3E\n"
         "a=group:BUNDLE 0 1\n"
         "a=ice-options:trickle\n"
         "a=msid-semantic:WMS *\n"
         "m=audio 9 UDP/TLS/RTP/SAVPF 109 9 0 8 101\n"
         "c=IN IP4 0.0.0.0\n"
         "a=candidate:0 1 UDP 2122252543 a1b2c3d4-e5f6-4789-abcd-ef0123456789.local 50123 typ "
         "host\n"
         "a=candidate:2 1 TCP 2105524479 a1b2c3d4-e5f6-4789-abcd-ef0123456789.local 9 typ host "
         "tcptype active\n"
         "a=sendrecv\n"
         "a=end-of-candidates\n"
         "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\n"
         "a=extmap:2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level\n"
         "a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid\n"
         "a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1\n"
         "a=fmtp:101 0-15\n"
         "a=ice-pwd:1b8a5c1f0e2d3c4b5a69788796a5b4c3\n"
         "a=ice-ufrag:7f3e2d1c\n"
         "a=mid:0\n"
         "a=msid:{5a7c1e3b-2d4f-4a6b-8c9d-0e1f2a3b4c5d} {6b8d2f4c-3e5a-4b7c-9d0e-1f2a3b4c5d6e}\n"
         "a=rtcp-mux\n"
         "a=rtpmap:109 opus/48000/2\n"
         "a=rtpmap:9 G722/8000/1\n"
         "a=rtpmap:0 PCMU/8000\n"
         "a=rtpmap:8 PCMA/8000\n"
         "a=rtpmap:101 telephone-event/8000\n"
         "a=setup:actpass\n"
         "a=ssrc:2983741650 cname:{0d9f8e7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f}\n"
         "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\n"
         "c=IN IP4 0.0.0.0\n"
         "a=sendrecv\n"
         "a=ice-pwd:1b8a5c1f0e2d3c4b5a69788796a5b4c3\n"
         "a=ice-ufrag:7f3e2d1c\n"
         "a=mid:1\n"
         "a=setup:actpass\n"
         "a=sctp-port:5000\n"
         "a=max-message-size:1073741823\n";
}

// Replaces the first occurrence of `from` (which must be there) in `text`.
inline std::string replaced(std::string text, std::string_view from, std::string_view to) {
  const auto at = text.find(from);
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

inline std::string without_lines_containing(const std::string& text, std::string_view needle) {
  std::string result;
  std::size_t at = 0;
  while (at < text.size()) {
    auto end = text.find('\n', at);
    end = end == std::string::npos ? text.size() : end + 1;
    const auto line = text.substr(at, end - at);
    if (line.find(needle) == std::string::npos) result += line;
    at = end;
  }
  return result;
}

}  // namespace webvox::rtc::sdp::test
