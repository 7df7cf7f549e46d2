// node --test: the viewer's offer munging (page/munge.mjs) and SLData reading (page/sldata.mjs)
// against what llwebrtc / llvoicewebrtc do (shared/spec/viewer-webrtc.md §4, §5.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getlineSplit, mungeOffer, VIEWER_OPUS_FMTP } from './page/munge.mjs';
import {
  applyServerMessage, centimetres, joinMessage, NIL_UUID, userGainMessage, yawQuaternion,
} from './page/sldata.mjs';

const CHROMIUM_OFFER = [
  'v=0',
  'o=- 123 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'a=rtpmap:111 opus/48000/2',
  'a=rtcp-fb:111 transport-cc',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:63 red/48000/2',
  'a=fmtp:63 111/111',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'a=mid:1',
  'a=sctp-port:5000',
  '',
].join('\r\n');

test('getline splits at \\n only and keeps the \\r', () => {
  assert.deepEqual(getlineSplit('a\r\nb\r\n'), ['a\r', 'b\r']);
  assert.deepEqual(getlineSplit('a\nb'), ['a', 'b']);
  assert.deepEqual(getlineSplit('a\n\nb\n'), ['a', '', 'b']);
});

test('munging rewrites the Opus rtpmap with a bare \\n and appends the second fmtp after a lone \\r', () => {
  const out = mungeOffer(CHROMIUM_OFFER);
  assert.ok(out.includes('a=rtpmap:111 opus/48000/2\na=rtcp-fb:111 transport-cc\r\n'));
  assert.ok(out.includes(`a=fmtp:111 minptime=10;useinbandfec=1\ra=fmtp:111 ${VIEWER_OPUS_FMTP}\na=rtpmap:63`));
  // Other lines untouched, still \r\n; nothing else changed.
  assert.ok(out.includes('a=fmtp:63 111/111\r\n'));
  assert.ok(out.includes('m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n'));
  assert.equal(out.split('\n').length, CHROMIUM_OFFER.split('\n').length);
  assert.ok(!out.includes('maxaveragebitrate'));
  assert.equal(mungeOffer(out).split('a=fmtp:111 minptime').length - 1, 3, 'munging twice adds a third fmtp line');
});

test('any "a=rtpmap:<pt> opus/<n>" counts, as sscanf does', () => {
  assert.equal(mungeOffer('a=rtpmap:96 opus/16000/2\r\n'), 'a=rtpmap:96 opus/48000/2\n');
  assert.equal(mungeOffer('a=rtpmap:96 opus/16000\r\n'), 'a=rtpmap:96 opus/48000/2\n');
  assert.equal(mungeOffer('a=rtpmap:96 PCMU/8000\r\n'), 'a=rtpmap:96 PCMU/8000\r\n');
});

test('viewer messages: join, positions in cm, quaternion × 100, user gain × 220', () => {
  assert.equal(joinMessage(false), '{"j":{}}');
  assert.equal(joinMessage(true), '{"j":{"p":true}}');
  assert.deepEqual(centimetres({ x: 256000.257, y: -1.239, z: 25 }), { x: 25600025, y: -123, z: 2500 });
  assert.deepEqual(yawQuaternion(90), { x: 0, y: 0, z: 70, w: 70 });
  assert.deepEqual(yawQuaternion(180), { x: 0, y: 0, z: 100, w: 0 });
  assert.equal(userGainMessage('a', 0.5), '{"ug":{"a":110}}');
});

test('server messages are read like OnDataReceivedImpl', () => {
  const self = '11111111-1111-1111-1111-111111111111';
  const peer = '22222222-2222-2222-2222-222222222222';
  const roster = new Map();
  const ctx = { self, spatial: true, mutes: new Map([[peer, true]]), volumes: new Map([[peer, 0.25]]), version: { value: null } };
  assert.deepEqual(applyServerMessage('{"x"', false, roster, ctx), { ignored: 'json' });
  assert.deepEqual(applyServerMessage('[1]', false, roster, ctx), { ignored: 'not an object' });
  assert.deepEqual(applyServerMessage('{}', true, roster, ctx), { ignored: 'binary' });
  // A join that is not primary does not add anyone in a spatial connection.
  applyServerMessage(JSON.stringify({ [peer]: { j: {} } }), false, roster, ctx);
  assert.equal(roster.size, 0);
  // Power before the join is dropped; nil UUID and non-UUID keys skipped.
  applyServerMessage(JSON.stringify({ [peer]: { p: 64 }, [NIL_UUID]: { j: { p: true } }, bogus: { j: { p: true } } }), false, roster, ctx);
  assert.equal(roster.size, 0);
  const r = applyServerMessage(JSON.stringify({ [peer.toUpperCase()]: { j: { p: true }, v: true, p: 64 } }), false, roster, ctx);
  assert.deepEqual(roster.get(peer), { joined: true, primary: true, level: 0.5, speaking: true, moderatorMuted: false });
  assert.deepEqual(JSON.parse(r.reply), { m: { [peer.toUpperCase()]: true }, ug: { [peer.toUpperCase()]: 50 } });
  applyServerMessage(JSON.stringify({ [peer]: { v: false, m: true } }), false, roster, ctx);
  assert.equal(roster.get(peer).speaking, false);
  assert.equal(roster.get(peer).moderatorMuted, true);
  applyServerMessage(JSON.stringify({ [self]: { V: 'webvox 1.0', j: { p: true } } }), false, roster, ctx);
  assert.equal(ctx.version.value, 'webvox 1.0');
  applyServerMessage(JSON.stringify({ [self]: { l: true }, [peer]: { l: true } }), false, roster, ctx);
  assert.ok(roster.has(self), 'the viewer never removes itself');
  assert.ok(!roster.has(peer));
  // Non-spatial (multiagent): any join adds.
  const group = new Map();
  applyServerMessage(JSON.stringify({ [peer]: { j: {} } }), false, group, { ...ctx, spatial: false });
  assert.ok(group.has(peer));
});
