// A viewer offer as the SL viewer and Firestorm send it (shared/spec/viewer-webrtc.md §5.1 and
// the emulation corrections): audio then data, no candidates, the rewritten rtpmap ending in a
// bare \n and the appended fmtp joined to the original by a lone \r.
#pragma once

namespace webvox::viewer::test {

inline constexpr const char* kViewerOffer =
    "v=0\r\n"
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE 0 1\r\n"
    "a=extmap-allow-mixed\r\n"
    "a=msid-semantic: WMS SLStream\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:Vx4N\r\n"
    "a=ice-pwd:Q8dd1mPaZ3vq0VnR0mH8qk9n\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 "
    "6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:50:55:EA:8C:D3:B6:5C:09:5E:D6:"
    "BC\r\n"
    "a=setup:actpass\r\n"
    "a=mid:0\r\n"
    "a=sendrecv\r\n"
    "a=msid:SLStream SLAudio\r\n"
    "a=rtcp-mux\r\n"
    "a=rtpmap:111 opus/48000/2\n"
    "a=rtcp-fb:111 transport-cc\r\n"
    "a=fmtp:111 minptime=10;useinbandfec=1\r"
    "a=fmtp:111 minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1;maxplaybackrate=48000;"
    "sprop-maxplaybackrate=48000;sprop-maxcapturerate=48000\n"
    "a=rtpmap:63 red/48000/2\r\n"
    "a=fmtp:63 111/111\r\n"
    "a=rtpmap:126 telephone-event/8000\r\n"
    "a=ssrc:3735928559 cname:SLcname\r\n"
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:Vx4N\r\n"
    "a=ice-pwd:Q8dd1mPaZ3vq0VnR0mH8qk9n\r\n"
    "a=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 "
    "6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CC:87:32:BE:DD:8C:66:A5:8E:50:55:EA:8C:D3:B6:5C:09:5E:D6:"
    "BC\r\n"
    "a=setup:actpass\r\n"
    "a=mid:1\r\n"
    "a=sctp-port:5000\r\n"
    "a=max-message-size:262144\r\n";

}  // namespace webvox::viewer::test
