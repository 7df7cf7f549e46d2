// The emulated viewer itself, in Chromium, with no voice server: a plain RTCPeerConnection in
// the same page answers it (as a server would: stereo Opus, the data channel kept). Shows that
// the emulator does what the viewer does and measures what it claims to:
//   * the offer: audio then data, BUNDLE, no candidates (gathering starts at
//     setLocalDescription), the munged Opus lines (rtpmap + bare \n, second fmtp after a lone
//     \r), accepted by Chromium, which merges the two fmtp lines (stereo=1);
//   * candidates held until the answer is applied, then trickled without "candidate:", then
//     {"completed": true};
//   * the state machine: mic disabled until SLData opens; {"j":{}}, then (one tick) {"j":{"p":true}}
//     and the forced position (cm, quaternion × 100) as the first SLData messages; ug ×220;
//   * a roster message parsed like OnDataReceivedImpl, with the m/ug auto-reply;
//   * the per-channel meter: the answerer's tone panned hard left arrives in L, not R.
// Run in a loopback-only namespace (run.sh).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ViewerHost } from './driver.mjs';
import { waitFor, SCALE } from '../browser/lib.mjs';

let host;
let v;
const SELF = '11111111-1111-1111-1111-111111111111';
const PEER = '22222222-2222-2222-2222-222222222222';

before(async () => {
  host = await ViewerHost.start();
  v = await host.open({ key: 'solo', hz: 440 });
});
after(async () => { await host?.close(); });

// The answering side, in the page: accepts SLData, records what the viewer sends on it, plays
// a 1 kHz tone panned hard left as stereo Opus.
async function startAnswerer(page, offer) {
  return page.evaluate(async (offer) => {
    const pc = new RTCPeerConnection();
    window.answerer = { pc, messages: [], channel: null };
    pc.addEventListener('datachannel', (ev) => {
      window.answerer.channel = ev.channel;
      ev.channel.addEventListener('message', (m) => window.answerer.messages.push(m.data));
    });
    const ctx = new AudioContext({ sampleRate: 48000 });
    const osc = ctx.createOscillator();
    osc.frequency.value = 1000;
    const pan = new StereoPannerNode(ctx, { pan: -1 });
    const dest = ctx.createMediaStreamDestination();
    dest.channelCount = 2;
    osc.connect(pan).connect(dest);
    osc.start();
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    const [track] = dest.stream.getAudioTracks();
    pc.getTransceivers()[0].sender.replaceTrack(track);
    pc.getTransceivers()[0].direction = 'sendrecv';
    const answer = await pc.createAnswer();
    // Stereo both ways, as the server's answer has it.
    answer.sdp = answer.sdp.replace(/a=fmtp:111 ([^\r\n]*)/, 'a=fmtp:111 $1;stereo=1;sprop-stereo=1');
    await pc.setLocalDescription(answer);
    if (pc.iceGatheringState !== 'complete') {
      await new Promise((resolve) => pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') resolve();
      }));
    }
    return pc.localDescription.sdp;
  }, offer);
}

test('an emulated viewer connection, end to end without a server', async () => {
  const made = await v.call('init', { agentId: SELF, processing: 'off' });
  const { offer } = made;
  assert.equal((await v.call('snapshot')).micEnabled, false, 'the track starts disabled');
  const lines = offer.split('\n');
  const mLines = lines.filter((l) => l.startsWith('m='));
  assert.equal(mLines.length, 2);
  assert.match(mLines[0], /^m=audio /);
  assert.match(mLines[1], /^m=application \d+ UDP\/DTLS\/SCTP webrtc-datachannel/);
  assert.ok(lines.includes('a=group:BUNDLE 0 1\r'), 'BUNDLE 0 1');
  assert.ok(!offer.includes('a=candidate:'), 'no candidates in the offer');
  assert.ok(lines.includes('a=rtpmap:111 opus/48000/2'), 'rtpmap rewritten, bare \\n');
  assert.ok(offer.includes('a=fmtp:111 minptime=10;useinbandfec=1\ra=fmtp:111 minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1'));
  const local = await v.page.evaluate(() => window.viewer.pc.localDescription.sdp);
  assert.match(local, /a=fmtp:111 [^\r\n]*stereo=1/, 'Chromium took the munged fmtp');

  // Nothing is handed out before the answer, however long gathering has had.
  await waitFor(() => v.page.evaluate(() => window.viewer.gatheringComplete), Boolean, { timeout: 10000 * SCALE, what: 'gathering' });
  assert.equal(await v.call('takeIceUpdate'), null);

  const answer = await startAnswerer(v.page, offer);
  await v.call('applyAnswer', answer);
  const first = await v.call('takeIceUpdate');
  assert.ok(first.candidates.length > 0);
  for (const c of first.candidates) {
    assert.doesNotMatch(c.candidate, /^candidate:/);
    assert.match(c.candidate, /^\S+ [12] (udp|tcp) \d+ \S+ \d+ typ (host|srflx|prflx|relay)/);
    assert.ok(['0', '1'].includes(c.sdpMid));
  }
  assert.deepEqual(await v.call('takeIceUpdate'), { completed: true });
  assert.equal(await v.call('takeIceUpdate'), null);
  await v.page.evaluate(async (cands) => {
    for (const c of cands) await window.answerer.pc.addIceCandidate({ candidate: `candidate:${c.candidate}`, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex });
  }, first.candidates);

  await v.call('setPose', { speaker: { x: 256000.5, y: 256001.25, z: 25, yaw: 90 } });
  const up = await waitFor(() => v.call('snapshot'), (s) => s.state === 'SESSION_UP', { timeout: 20000 * SCALE, what: 'SESSION_UP' });
  assert.equal(up.dataChannel, 'open');
  const sent = await waitFor(() => v.page.evaluate(() => window.answerer.messages.slice()), (m) => m.length >= 3, { timeout: 5000 * SCALE, what: 'join, position, primary join' });
  assert.equal(sent[0], '{"j":{}}');
  // Then, in the first SESSION_UP tick: the primary join and the forced position.
  assert.ok(sent.slice(1, 3).includes('{"j":{"p":true}}'), sent.join(' '));
  const pos = JSON.parse(sent.slice(1, 3).find((m) => m.includes('"sp"')));
  assert.deepEqual(pos, {
    sp: { x: 25600050, y: 25600125, z: 2500 }, sh: { x: 0, y: 0, z: 70, w: 70 },
    lp: { x: 25600050, y: 25600125, z: 2500 }, lh: { x: 0, y: 0, z: 70, w: 70 },
  });
  assert.equal((await v.call('snapshot')).micEnabled, true, 'mic on once primary in SESSION_UP');

  // Roster: a primary join with the auto-reply for a peer the viewer has a volume for.
  await v.call('setPeerVolume', PEER, 0.25);
  await v.page.evaluate((peer) => window.answerer.channel.send(JSON.stringify({ [peer]: { j: { p: true }, v: true, p: 64 } })), PEER);
  const snap = await waitFor(() => v.call('snapshot'), (s) => PEER in s.roster, { timeout: 5000 * SCALE, what: 'roster' });
  assert.deepEqual(snap.roster[PEER], { joined: true, primary: true, level: 0.5, speaking: true, moderatorMuted: false });
  const replies = await waitFor(() => v.page.evaluate(() => window.answerer.messages.slice(3)), (m) => m.length >= 2, { timeout: 5000 * SCALE, what: 'ug, then the auto-reply' });
  assert.equal(replies[0], `{"ug":{"${PEER}":55}}`);
  assert.equal(replies[1], `{"ug":{"${PEER}":50}}`);

  // The meter: hard left arrives in L only; the tone's own level agrees with the RMS.
  await waitFor(() => v.call('snapshot'), (s) => 'firstAudio' in s.marks, { timeout: 15000 * SCALE, what: 'first audio' });
  const m = await v.call('measure', { ms: 1500, tones: [1000] });
  assert.equal(m.channels, 2);
  assert.ok(Math.abs(m.L.peakHz - 1000) < 5, `peak ${m.L.peakHz}`);
  assert.ok(m.L.tones[1000] > -30, `L ${m.L.tones[1000]}`);
  assert.ok(m.L.tones[1000] - m.R.tones[1000] > 25, `L ${m.L.tones[1000]} R ${m.R.tones[1000]}`);
  assert.ok(Math.abs(m.L.tones[1000] - m.L.rmsDb) < 1, `tone ${m.L.tones[1000]} vs RMS ${m.L.rmsDb}`);
  const stats = await v.call('stats');
  assert.ok(stats.inbound.packetsReceived > 0);
});
