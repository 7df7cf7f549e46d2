// The viewer's offer munging, as llwebrtc's CreateOffer callback (OnSuccess) does it before
// SetLocalDescription (shared/spec/viewer-webrtc.md §5.1 and its corrections 1–2): the SDP is
// read line by line with std::getline, which splits at '\n' only, so each line keeps its '\r'.
//
//   if (sscanf(line, "a=rtpmap:%i opus/%i/2", &payload_id, &bandwidth) == 2)
//       out << "a=rtpmap:" << opus_payload << " opus/48000/2" << "\n";      // the '\r' is gone
//   else if (line.find("a=fmtp:" + opus_payload) == 0)
//       out << line << "a=fmtp:" << opus_payload << " minptime=10;…\n";    // joined by a lone '\r'
//   else
//       out << line << "\n";                                              // '\r' + '\n' as before
//
// Pure (no DOM), so node's test runner checks it (munge.test.mjs) and the page uses it.

export const VIEWER_OPUS_FMTP =
  'minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1;maxplaybackrate=48000;' +
  'sprop-maxplaybackrate=48000;sprop-maxcapturerate=48000';

// std::getline over the whole text: pieces between '\n'; a final '\n' ends the last line
// rather than starting an empty one.
export function getlineSplit(text) {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

// sscanf("a=rtpmap:%i opus/%i/2") == 2: both conversions succeed. %i skips white space and
// takes an optional sign and a decimal, 0x hex or 0 octal number; the space in the format
// matches any run of white space, including none. The trailing "/2" does not change the count.
const INT = String.raw`\s*([+-]?(?:0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*))`;
const RTPMAP_OPUS = new RegExp(`^a=rtpmap:${INT}\\s*opus/${INT}`);

function cInt(text) {
  const negative = text.startsWith('-');
  const body = text.replace(/^[+-]/, '');
  let value;
  if (/^0[xX]/.test(body)) value = parseInt(body.slice(2), 16);
  else if (body.length > 1 && body.startsWith('0')) value = parseInt(body, 8);
  else value = parseInt(body, 10);
  return negative ? -value : value;
}

// Returns the munged SDP. `opusPayload` starts empty, as a std::string member would; Chromium
// lists Opus's rtpmap before any fmtp, so the fmtp test only ever sees the Opus payload type.
export function mungeOffer(sdp) {
  let opusPayload = '';
  let out = '';
  for (const line of getlineSplit(sdp)) {
    const m = RTPMAP_OPUS.exec(line);
    if (m) {
      opusPayload = String(cInt(m[1]));
      out += `a=rtpmap:${opusPayload} opus/48000/2\n`;
    } else if (line.startsWith(`a=fmtp:${opusPayload}`) && opusPayload !== '') {
      out += `${line}a=fmtp:${opusPayload} ${VIEWER_OPUS_FMTP}\n`;
    } else {
      out += `${line}\n`;
    }
  }
  return out;
}
