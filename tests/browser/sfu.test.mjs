// Server-forwarded voice in real browsers, and channels switching to it and back live
// (webvoxd --media-mode auto --sfu-threshold 3). Three headless Chromium processes, each with
// its own sine tone as microphone, talk peer to peer; a fourth member (a page in the
// listener's browser, standing far away) makes the channel forwarded, and the pages must go on
// hearing each other through the server without reloading. Then the three-tone case of
// positional.test.mjs with every voice going through the server: a
// listener at the origin facing east, speaker A 5 m and speaker B 25 m in front of it. In a
// positional channel with linear, clamping 10 m, max 60 m, roll-off 2 (silent from 35 m) the
// listener must hear A at gain 1 and B at 0.4: 20·log10(1/0.4) = 7.96 dB apart, although both
// arrive on receive slots of one connection, so the page must play each slot as the member the
// server says is on it (each slot's tone is checked to be its member's). B at 40 m: the server
// stops forwarding B (off the listener's slots, inbound bytes credited to B stand still, nothing
// of B is played) while A flows on; back at 25 m B is forwarded and heard at 0.4 again. Last,
// the fourth and then B leave: at three members the channel stays forwarded, at two it is a
// mesh again, and the listener and A hear each other peer to peer.
//
// Run through run.sh (loopback-only network namespace):
//   bash tests/browser/run.sh [webvoxd] sfu.test.mjs
// Every wait polls a condition with a deadline; nothing synchronises on a fixed sleep.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  Server, makeTempDir, makeTone, launchBrowser, openClient, waitFor, hzNear, SCALE, tearDown, SFU_MEDIA_ARGS,
} from './lib.mjs';

const AUDIO_TIMEOUT = 30000 * SCALE;
const UI_TIMEOUT = 20000 * SCALE;
const TEST_TIMEOUT = 90000 * SCALE;
const RATIO_TOLERANCE_DB = 1.5;
const EXPECTED_RATIO_DB = 20 * Math.log10(1 / 0.4);
// Above this a member is audible; the tones arrive around −9 dBFS RMS (−17 dB at gain 0.4).
const AUDIBLE_DB = -45;
// Below this nothing of the member reaches the ears (the floor is −200: true silence).
const SILENT_DB = -100;
// How long a byte counter must stand still to count as "stopped". Opus sends a packet every
// 20 ms, so a flowing stream moves the counter at every read.
const STALL_MS = 3000;

const POSITIONAL = {
  chan_dist_model: '2', chan_max_range: '60', chan_clamping_distance: '10', chan_roll_off: '2',
};

const people = {
  lis: { account: 'xLisSfu', password: 'lis-pw-4', name: 'Lis', hz: 880 }, // the listener
  ana: { account: 'xAnaSfu', password: 'ana-pw-4', name: 'Ana', hz: 440 }, // speaker A
  ben: { account: 'xBenSfu', password: 'ben-pw-4', name: 'Ben', hz: 660 }, // speaker B
};
// The member beyond the threshold: a page in lis's browser (so with lis's tone), left where the
// client puts a newcomer, near the region's centre, out of everyone's range.
const extra = { account: 'xExtraSfu', password: 'extra-pw-4', name: 'Extra' };
const THRESHOLD = 3;

let tmp;
let server;
let channel;
const browsers = {};
const pages = {};
const ids = {}; // person → member id

const api = (k, fn, arg) => pages[k].evaluate(fn, arg);
const at = (x) => ({ x, y: 0, z: 0, yaw: 0 });

async function pageDetail(k) {
  return api(k, async () => ({
    state: window.webvox.state(),
    forwarding: window.webvox.forwarding(),
    slots: window.webvox.slots(),
    positions: window.webvox.positions(),
    audible: window.webvox.audible(),
    listeners: window.webvox.listeners(),
    heard: window.webvox.heardLevels(),
    rtp: await window.webvox.rtpCounters(),
    peers: await window.webvox.peerStats(),
  })).then((d) => `${k}: ${JSON.stringify(d)}\n  ${k} console: ${pages[k].webvoxLog.slice(-10).join('\n    ')}`,
    (e) => `${k}: (no detail: ${e.message})`);
}

// Fails with what every page knew, which is what one needs to understand a failure.
async function explained(promise) {
  try {
    return await promise;
  } catch (err) {
    const details = await Promise.all(Object.keys(pages).map(pageDetail));
    err.message += `\n  ${details.join('\n  ')}`;
    throw err;
  }
}

async function joinChannel(k, p) {
  const joined = await api(k, async ({ p, uri }) => {
    await window.webvox.signIn({ account: p.account, password: p.password, name: p.name });
    return window.webvox.join(uri);
  }, { p, uri: channel });
  ids[k] = joined.self.member;
  return joined;
}

// Waits until each page in `ks` uses `forwarding` ('mesh' | 'sfu') for the channel's voice.
async function expectForwarding(ks, forwarding) {
  await Promise.all(ks.map((k) => explained(waitFor(() => api(k, () => window.webvox.forwarding()), (f) => f === forwarding,
    { timeout: UI_TIMEOUT, what: `${k} to switch to ${forwarding}` }))));
}

// Waits until `k` receives each of `others`' tones, as that member, clearly audible.
async function expectTones(k, others, what) {
  await explained(waitFor(() => api(k, () => window.webvox.remoteLevels()), (ls) =>
    others.every((o) => ls.some((l) => l.member === ids[o] && hzNear(l.peakHz, people[o].hz) && l.levelDb > AUDIBLE_DB)),
  { timeout: AUDIO_TIMEOUT, interval: 200, what }));
}

// A mark in each page's window that a reload would wipe.
async function markPages(ks) {
  await Promise.all(ks.map((k) => api(k, () => { window.webvoxTestMark = true; })));
}

async function expectNotReloaded(ks) {
  for (const k of ks) assert.equal(await api(k, () => window.webvoxTestMark === true), true, `${k} was not reloaded`);
}

async function place(k, position) {
  return api(k, (p) => window.webvox.setPosition(p), position);
}

async function expectLayout(k, layout) {
  await explained(waitFor(() => api(k, () => window.webvox.positions()), (pos) =>
    Object.entries(layout).every(([other, x]) => {
      const m = pos?.members.find((e) => e.member === ids[other]);
      return m?.position && Math.abs(m.position.x - x) < 1e-6;
    }), { timeout: UI_TIMEOUT, what: `${k} to see ${JSON.stringify(layout)}` }));
}

// Waits until the listener's slots carry exactly `who` (by person key) among the speakers.
async function expectOnSlots(k, who, what) {
  return explained(waitFor(() => api(k, () => window.webvox.slots()), (slots) => {
    const on = new Set(Object.values(slots ?? {}).filter(Boolean));
    return ['ana', 'ben', 'lis'].filter((p) => p !== k).every((p) => on.has(ids[p]) === who.includes(p));
  }, { timeout: UI_TIMEOUT, what }));
}

// Reads heard and received levels until the last few readings are all audible and agree, then
// returns their medians per member.
async function steadyLevels(k, members, { count = 8, spreadDb = 1.0 } = {}) {
  const history = [];
  const read = async () => {
    history.push(await api(k, () => ({ heard: window.webvox.heardLevels(), received: window.webvox.remoteLevels() })));
    return history.slice(-count);
  };
  const stable = (recent) => recent.length === count && members.every((m) => {
    const hs = recent.map((r) => r.heard[ids[m]] ?? -200);
    return Math.min(...hs) > AUDIBLE_DB && Math.max(...hs) - Math.min(...hs) <= spreadDb;
  });
  const recent = await explained(waitFor(read, stable, { timeout: AUDIO_TIMEOUT, interval: 150, what: `${k}'s levels of ${members} to settle` }));
  const out = {};
  for (const m of members) {
    out[m] = {
      heard: median(recent.map((r) => r.heard[ids[m]])),
      received: median(recent.map((r) => r.received.find((x) => x.member === ids[m])?.levelDb ?? -200)),
    };
  }
  return out;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// Polls `k`'s inbound byte counters credited to members until each member in `flowing` has
// risen and each in `stopped` has stood still over the last STALL_MS. Returns the two readings.
async function expectInbound(k, { flowing = [], stopped = [] }) {
  const history = [];
  const read = async () => {
    const c = await api(k, () => window.webvox.rtpCounters());
    history.push({ t: Date.now(), c });
    return history;
  };
  const bytes = (x, p) => x.c[ids[p]]?.bytesReceived ?? 0;
  const decided = (h) => {
    const last = h[h.length - 1];
    const base = h.findLast((x) => last.t - x.t >= STALL_MS);
    if (!base) return false;
    const span = h.filter((x) => x.t >= base.t);
    return flowing.every((p) => bytes(last, p) > bytes(base, p))
      && stopped.every((p) => span.every((x) => bytes(x, p) === bytes(last, p)));
  };
  const h = await explained(waitFor(read, decided, {
    timeout: AUDIO_TIMEOUT, interval: 250, what: `${k}'s inbound bytes: ${flowing} flowing, ${stopped} stopped`,
  }));
  const last = h[h.length - 1];
  const base = h.findLast((x) => last.t - x.t >= STALL_MS);
  const show = (p) => `${p} ${bytes(base, p)}→${bytes(last, p)}`;
  return `${[...flowing, ...stopped].map(show).join(', ')} over ${last.t - base.t} ms`;
}

describe('server-forwarded voice in real browsers', { timeout: 4 * TEST_TIMEOUT }, () => {
  before(async () => {
    tmp = makeTempDir('webvox-sfu-');
    const wavs = Object.fromEntries(Object.entries(people).map(([k, p]) => [k, makeTone(tmp, p.hz, 60)]));
    server = await new Server({ dir: tmp, args: ['--media-mode', 'auto', '--sfu-threshold', String(THRESHOLD)] }).start();
    for (const p of [...Object.values(people), extra]) await server.createAccount(p.account, p.password);
    channel = await server.createChannel('sfu-test', 'positional', POSITIONAL);
    await Promise.all(Object.keys(people).map(async (k) => {
      browsers[k] = await launchBrowser(wavs[k]);
      pages[k] = await openClient(browsers[k], server);
    }));
    pages.extra = await openClient(browsers.lis, server);
  });

  after(() => tearDown({ pages, browsers, server, tmp }));

  it('a mesh growing past the threshold switches to forwarding live, and the pages go on hearing each other', { timeout: TEST_TIMEOUT }, async () => {
    for (const [k, p] of Object.entries(people)) {
      const joined = await joinChannel(k, p);
      assert.equal(joined.channelInfo?.forwarding, 'mesh', JSON.stringify(joined.channelInfo));
    }
    await Promise.all([place('lis', at(0)), place('ana', at(5)), place('ben', at(25))]);
    await expectLayout('lis', { ana: 5, ben: 25 });
    await expectTones('lis', ['ana', 'ben'], 'lis to hear ana and ben peer to peer');
    await expectTones('ana', ['lis', 'ben'], 'ana to hear lis and ben peer to peer');
    assert.equal((await api('lis', () => window.webvox.peerStats())).length, 2, 'a connection per member');
    await markPages(Object.keys(people));

    const joined = await joinChannel('extra', extra);
    assert.equal(joined.channelInfo?.forwarding, 'sfu', JSON.stringify(joined.channelInfo));
    assert.ok(joined.channelInfo.slots >= 2, `slots: ${joined.channelInfo.slots}`);
    await expectForwarding(Object.keys(people), 'sfu');
    await explained(waitFor(() => api('lis', () => window.webvox.peerStats()), (s) => s.length === 1 && s[0].connectionState === 'connected',
      { timeout: UI_TIMEOUT, what: 'lis\'s one connection, to the server' }));
    await expectOnSlots('lis', ['ana', 'ben'], 'the server to put ana and ben on lis\'s slots');
    await expectTones('lis', ['ana', 'ben'], 'lis to hear ana and ben through the server');
    await expectTones('ana', ['lis', 'ben'], 'ana to hear lis and ben through the server');
    await expectNotReloaded(Object.keys(people));
    const state = await api('lis', () => window.webvox.state());
    assert.equal(state.self, ids.lis, 'same connection, same member');
    assert.equal(state.channelInfo.forwarding, 'sfu');
  });

  it('slots play as their members: heard level follows distance; out of range nothing is forwarded', { timeout: TEST_TIMEOUT }, async () => {
    assert.equal(await api('lis', () => window.webvox.forwarding()), 'sfu');

    await Promise.all([place('lis', at(0)), place('ana', at(5)), place('ben', at(25))]);
    await expectLayout('lis', { ana: 5, ben: 25 });
    const pos = await api('lis', () => window.webvox.positions());
    assert.deepEqual(pos.members.filter((m) => m.member === ids.ana || m.member === ids.ben).map((m) => m.gain).sort(), [0.4, 1]);

    // One connection to the server, and it connects.
    await explained(waitFor(() => api('lis', () => window.webvox.peerStats()), (s) => s.length === 1 && s[0].connectionState === 'connected',
      { timeout: UI_TIMEOUT, what: 'lis\'s connection to the server' }));
    await expectOnSlots('lis', ['ana', 'ben'], 'the server to put ana and ben on lis\'s slots');
    // Each slot's tone is its member's: the page maps slots to members right.
    await explained(waitFor(() => api('lis', () => window.webvox.remoteLevels()), (ls) =>
      ['ana', 'ben'].every((k) => ls.some((l) => l.member === ids[k] && hzNear(l.peakHz, people[k].hz) && l.levelDb > AUDIBLE_DB)),
    { timeout: AUDIO_TIMEOUT, interval: 200, what: 'lis to receive ana\'s and ben\'s tones on their slots' }));
    // webvoxd terminates RTCP and reports on each microphone: the sender's browser turns those
    // receiver reports (LSR/DLSR echoing its own SRs) into a remote-inbound-rtp round trip.
    await explained(waitFor(() => api('ana', async () => {
      const pc = window.webvox._internals.app.sfu?.pc;
      let remote = null;
      if (pc) (await pc.getStats()).forEach((s) => {
        if (s.type === 'remote-inbound-rtp' && s.kind === 'audio') remote = { rtt: s.roundTripTime, lost: s.packetsLost };
      });
      return remote;
    }), (r) => r && r.rtt > 0 && r.lost != null,
    { timeout: AUDIO_TIMEOUT, interval: 250, what: 'a remote-inbound-rtp report with a round-trip time on ana\'s page' }));
    const near = await steadyLevels('lis', ['ana', 'ben']);
    const ratio = near.ana.heard - near.ben.heard;
    console.log(`# sfu, 5 m vs 25 m: heard ana ${near.ana.heard} dB, ben ${near.ben.heard} dB → ${ratio.toFixed(2)} dB (want ${EXPECTED_RATIO_DB.toFixed(2)}); received ana ${near.ana.received}, ben ${near.ben.received}`);
    assert.ok(Math.abs(ratio - EXPECTED_RATIO_DB) <= RATIO_TOLERANCE_DB, `heard ratio ${ratio} dB`);
    const sent = await api('ana', () => window.webvox.rtpCounters());
    assert.ok(sent.sfu?.sending && sent.sfu.bytesSent > 0, `ana sends to the server: ${JSON.stringify(sent.sfu)}`);

    // B walks to 40 m, beyond where the linear model falls silent (35 m).
    await place('ben', at(40));
    await expectLayout('lis', { ana: 5, ben: 40 });
    await explained(waitFor(() => api('lis', () => window.webvox.audible()), (a) => a && !a.includes(ids.ben) && a.includes(ids.ana),
      { timeout: UI_TIMEOUT, what: 'the server to take ben out of lis\'s hearing' }));
    await expectOnSlots('lis', ['ana'], 'the server to take ben off lis\'s slots');
    const stopped = await expectInbound('lis', { flowing: ['ana'], stopped: ['ben'] });
    const far = await explained(waitFor(() => api('lis', () => window.webvox.heardLevels()), (h) => h[ids.ben] < SILENT_DB && h[ids.ana] > AUDIBLE_DB,
      { timeout: UI_TIMEOUT, what: 'ben to fall silent at lis while ana stays' }));
    console.log(`# sfu, ben at 40 m: lis inbound ${stopped}; heard ben ${far[ids.ben]} dB, ana ${far[ids.ana]} dB`);

    // Back to 25 m: forwarded again, and sounds as before.
    await place('ben', at(25));
    await expectLayout('lis', { ana: 5, ben: 25 });
    await expectOnSlots('lis', ['ana', 'ben'], 'the server to put ben back on lis\'s slots');
    const resumed = await expectInbound('lis', { flowing: ['ana', 'ben'] });
    const again = await steadyLevels('lis', ['ana', 'ben']);
    const ratio2 = again.ana.heard - again.ben.heard;
    console.log(`# sfu, ben back at 25 m: lis inbound ${resumed}; heard ana ${again.ana.heard} dB, ben ${again.ben.heard} dB → ${ratio2.toFixed(2)} dB`);
    assert.ok(Math.abs(ratio2 - EXPECTED_RATIO_DB) <= RATIO_TOLERANCE_DB, `heard ratio after return ${ratio2} dB`);
  });

  it('shrinking below the threshold returns to the mesh live', { timeout: TEST_TIMEOUT }, async () => {
    await api('extra', () => window.webvox.leave());
    await explained(waitFor(() => api('lis', () => window.webvox.state().members.length), (n) => n === 2,
      { timeout: UI_TIMEOUT, what: 'lis to see extra leave' }));
    // Three is the threshold: still forwarded (a switch back needs two to leave).
    assert.equal(await api('lis', () => window.webvox.forwarding()), 'sfu');
    await api('ben', () => window.webvox.leave());
    await expectForwarding(['lis', 'ana'], 'mesh');
    await explained(waitFor(() => api('lis', () => window.webvox.peerStats()), (s) => s.length === 1 && s[0].member === ids.ana && s[0].connectionState === 'connected',
      { timeout: UI_TIMEOUT, what: 'lis\'s peer connection to ana' }));
    await expectTones('lis', ['ana'], 'lis to hear ana peer to peer again');
    await expectTones('ana', ['lis'], 'ana to hear lis peer to peer again');
    const near = await steadyLevels('lis', ['ana']);
    assert.ok(near.ana.heard > AUDIBLE_DB, `ana heard at ${near.ana.heard} dB`);
    await expectNotReloaded(['lis', 'ana']);
  });
});
