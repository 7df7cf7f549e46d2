// Positional audio and channel modes in real browsers. Three headless Chromium processes, each
// with its own sine tone as microphone, placed by the test through window.webvox.setPosition:
// a listener at the origin facing east, speaker A 5 m and speaker B 25 m in front of it (so both
// are panned alike). In a positional channel with the module's defaults (linear, clamping 10 m,
// max 60 m, roll-off 2, so silent from 35 m) the listener must hear A at gain 1 and B at 0.4:
// 20·log10(1/0.4) = 7.96 dB apart. B at 40 m must not be heard and must not be sent at all
// (RTP byte counters stop on both ends); back at 25 m it is again. In a non-positional channel
// both are heard alike wherever they stand. In a lecture channel a participant is silent until
// a moderator gives it the floor. And the same through the mini-map, as a newcomer uses it:
// real mouse drags on the map canvas move the listener and then speaker A away step by step,
// and what the listener hears follows the channel's numbers.
//
// Run through run.sh (loopback-only network namespace):
//   bash tests/browser/run.sh [webvoxd] positional.test.mjs
// Every wait polls a condition with a deadline; nothing synchronises on a fixed sleep.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  Server, makeTempDir, makeTone, launchBrowser, openClient, waitFor, hzNear, SCALE, tearDown,
} from './lib.mjs';

const AUDIO_TIMEOUT = 45000 * SCALE;
const UI_TIMEOUT = 30000 * SCALE;
const TEST_TIMEOUT = 120000 * SCALE;
const RATIO_TOLERANCE_DB = 1.5;
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
// The same numbers, for the expected gain (docs/signalling.md, "Positions and hearing").
const REF_M = 10;
const MAX_M = 60;
const ROLL_OFF = 2;
const linearGain = (d) => (d <= REF_M ? 1 : d > MAX_M ? 0 : Math.max(0, 1 - ROLL_OFF * (d - REF_M) / (MAX_M - REF_M)));
// How close a drag must land to where the mouse let go (a map pixel is about 0.24 m).
const DRAG_TOLERANCE_M = 0.5;

const people = {
  lis: { account: 'xLisPositional', password: 'lis-pw-3', name: 'Lis', hz: 880 }, // the listener
  ana: { account: 'xAnaPositional', password: 'ana-pw-3', name: 'Ana', hz: 440 }, // speaker A
  ben: { account: 'xBenPositional', password: 'ben-pw-3', name: 'Ben', hz: 660 }, // speaker B
};

let tmp;
let server;
const channels = {};
const browsers = {};
const pages = {};
const ids = {}; // person → member id in the current channel

const api = (k, fn, arg) => pages[k].evaluate(fn, arg);
const state = (k) => api(k, () => window.webvox.state());
const at = (x) => ({ x, y: 0, z: 0, yaw: 0 });

function withDetail(err, detail) {
  err.message += `\n  ${detail}`;
  return err;
}

async function pageDetail(k) {
  return api(k, async () => ({
    state: window.webvox.state(),
    positions: window.webvox.positions(),
    audible: window.webvox.audible(),
    listeners: window.webvox.listeners(),
    heard: window.webvox.heardLevels(),
    rtp: await window.webvox.rtpCounters(),
  })).then((d) => `${k}: ${JSON.stringify(d)}\n  ${k} console: ${pages[k].webvoxLog.slice(-10).join('\n    ')}`,
    (e) => `${k}: (no detail: ${e.message})`);
}

// Fails with what every page knew, which is what one needs to understand a failure.
async function explained(promise) {
  try {
    return await promise;
  } catch (err) {
    const details = await Promise.all(Object.keys(pages).map(pageDetail));
    throw withDetail(err, details.join('\n  '));
  }
}

async function joinAll(keys, uri) {
  await Promise.all(keys.map(async (k) => {
    const p = people[k];
    const joined = await api(k, async ({ p, uri }) => {
      if (window.webvox.state().signalling !== 'signed-in') {
        await window.webvox.signIn({ account: p.account, password: p.password, name: p.name });
      }
      return window.webvox.join(uri);
    }, { p, uri });
    assert.equal(joined.channel, uri);
    ids[k] = joined.self.member;
  }));
}

async function place(k, position) {
  return api(k, (p) => window.webvox.setPosition(p), position);
}

// Waits until `k` knows the others at the given distances along +x (what it was told by
// `positions`), so levels measured afterwards belong to that layout.
async function expectLayout(k, layout) {
  await explained(waitFor(() => api(k, () => window.webvox.positions()), (pos) =>
    Object.entries(layout).every(([other, x]) => {
      const m = pos?.members.find((e) => e.member === ids[other]);
      return m?.position && Math.abs(m.position.x - x) < 1e-6;
    }), { timeout: UI_TIMEOUT, what: `${k} to see ${JSON.stringify(layout)}` }));
}

// Reads heard (after gain, direction and volume) and received (as sent) levels until the
// last few readings are all audible and agree with each other, then returns their medians per
// member. (A stream can pause while the test places people one after the other: somebody may
// be out of range for a moment.)
async function steadyLevels(k, members, { count = 8, spreadDb = 1.0 } = {}) {
  const history = [];
  const read = async () => {
    const r = await api(k, () => ({ heard: window.webvox.heardLevels(), received: window.webvox.remoteLevels() }));
    history.push(r);
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
      peakHz: median(recent.map((r) => r.received.find((x) => x.member === ids[m])?.peakHz ?? 0)),
    };
  }
  return out;
}

// Drags k's own dot on its mini-map to the region point `target` ({x, y}) with the mouse, as a
// person does: press on the dot, move there in a few steps, let go. window.webvox.mapPoint only
// turns region points into page pixels; the move itself is the map's pointer handling. Returns
// where k's page then says it stands, once `watcher` has been told the same by the server.
async function dragSelf(k, target, watcher) {
  const page = pages[k];
  const map = page.getByTestId('minimap');
  await map.scrollIntoViewIfNeeded();
  const { from, to } = await api(k, (t) => ({ from: window.webvox.mapPoint(window.webvox.positions().self), to: window.webvox.mapPoint(t) }), target);
  const box = await map.boundingBox();
  const inside = (p) => p && box && p.x > box.x && p.x < box.x + box.width && p.y > box.y && p.y < box.y + box.height;
  assert.ok(inside(from) && inside(to), `${k}: dot ${JSON.stringify(from)} and target ${JSON.stringify(to)} must be on the map ${JSON.stringify(box)}`);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.mouse.up();
  const self = await explained(waitFor(() => api(k, () => window.webvox.positions().self),
    (s) => Math.hypot(s.x - target.x, s.y - target.y) <= DRAG_TOLERANCE_M,
    { timeout: UI_TIMEOUT, what: `${k}'s drag on the map to move it to ${target.x.toFixed(2)}, ${target.y.toFixed(2)}` }));
  await explained(waitFor(() => api(watcher, () => window.webvox.positions()), (pos) => {
    const p = pos?.members.find((m) => m.member === ids[k])?.position;
    return p && Math.abs(p.x - self.x) < 1e-3 && Math.abs(p.y - self.y) < 1e-3;
  }, { timeout: UI_TIMEOUT, what: `${watcher} to see ${k} where the drag left it` }));
  return self;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// Polls the RTP byte counters of the from→to stream on both ends until both have stood still
// for STALL_MS (stopped: true) or both have risen over the same span (stopped: false).
// Returns the readings that showed it.
async function expectStream(from, to, { stopped }) {
  const history = [];
  const read = async () => {
    const [sent, received] = await Promise.all([
      api(from, (id) => window.webvox.rtpCounters().then((c) => c[id]), ids[to]),
      api(to, (id) => window.webvox.rtpCounters().then((c) => c[id]), ids[from]),
    ]);
    history.push({ t: Date.now(), bytesSent: sent?.bytesSent ?? null, bytesReceived: received?.bytesReceived ?? null, sending: sent?.sending });
    return history;
  };
  const decided = (h) => {
    const last = h[h.length - 1];
    if (last.bytesSent === null || last.bytesReceived === null) return false;
    // The newest reading at least STALL_MS older than the last one.
    const base = h.findLast((x) => last.t - x.t >= STALL_MS && x.bytesSent !== null);
    if (!base) return false;
    const still = h.filter((x) => x.t >= base.t).every((x) => x.bytesSent === last.bytesSent && x.bytesReceived === last.bytesReceived);
    const rising = last.bytesSent > base.bytesSent && last.bytesReceived > base.bytesReceived;
    return stopped ? still : rising;
  };
  const h = await explained(waitFor(read, decided, {
    timeout: AUDIO_TIMEOUT, interval: 250, what: `${from}→${to} RTP to ${stopped ? 'stop' : 'flow'}`,
  }));
  const last = h[h.length - 1];
  const base = h.findLast((x) => last.t - x.t >= STALL_MS);
  return { from: base, to: last };
}

describe('positional audio in real browsers', { timeout: 6 * TEST_TIMEOUT }, () => {
  before(async () => {
    tmp = makeTempDir('webvox-positional-');
    const wavs = Object.fromEntries(Object.entries(people).map(([k, p]) => [k, makeTone(tmp, p.hz, 60)]));
    // Peer to peer throughout: this file is about the mesh (sfu.test.mjs covers forwarding).
    server = await new Server({ dir: tmp, args: ['--media-mode', 'mesh'] }).start();
    for (const p of Object.values(people)) await server.createAccount(p.account, p.password);
    channels.positional = await server.createChannel('positional-test', 'positional', POSITIONAL);
    channels.drag = await server.createChannel('drag-test', 'positional', POSITIONAL);
    channels.flat = await server.createChannel('flat-test', 'channel');
    channels.lecture = await server.createChannel('lecture-test', 'channel', { chan_mode: 'lecture' });
    await Promise.all(Object.keys(people).map(async (k) => {
      browsers[k] = await launchBrowser(wavs[k]);
      pages[k] = await openClient(browsers[k], server);
      pages[k].webvoxName = k;
    }));
  });

  after(() => tearDown({ pages, browsers, server, tmp }));

  it('heard level follows distance; out of range nothing is heard or sent', { timeout: TEST_TIMEOUT }, async () => {
    await joinAll(['lis', 'ana', 'ben'], channels.positional);
    const info = (await state('lis')).channelInfo;
    assert.equal(info?.type, 'positional', JSON.stringify(info));
    assert.deepEqual([info.distanceModel, info.clampingDistance, info.maxRange, info.rollOff], [2, 10, 60, 2]);
    assert.ok(await pages.lis.getByTestId('minimap').isVisible(), 'the map shows in a positional channel');

    await Promise.all([place('lis', at(0)), place('ana', at(5)), place('ben', at(25))]);
    await expectLayout('lis', { ana: 5, ben: 25 });
    const pos = await api('lis', () => window.webvox.positions());
    const gain = (k) => pos.members.find((m) => m.member === ids[k]);
    assert.equal(gain('ana').gain, 1);
    assert.equal(gain('ben').gain, 0.4);
    assert.equal(gain('ana').pan, 0, 'straight ahead');
    assert.equal(gain('ben').pan, 0, 'straight ahead');
    await explained(waitFor(() => api('lis', () => window.webvox.audible()), (a) => a?.includes(ids.ana) && a.includes(ids.ben), { timeout: UI_TIMEOUT, what: 'lis to hear ana and ben' }));

    // The tones themselves arrive (each from its own member), then the ratio of what is played.
    await explained(waitFor(() => api('lis', () => window.webvox.remoteLevels()), (ls) =>
      ['ana', 'ben'].every((k) => ls.some((l) => l.member === ids[k] && hzNear(l.peakHz, people[k].hz) && l.levelDb > AUDIBLE_DB)),
    { timeout: AUDIO_TIMEOUT, interval: 200, what: 'lis to receive both tones' }));
    const near = await steadyLevels('lis', ['ana', 'ben']);
    const ratio = near.ana.heard - near.ben.heard;
    console.log(`# 5 m vs 25 m: heard ana ${near.ana.heard} dB, ben ${near.ben.heard} dB → ${ratio.toFixed(2)} dB (want 7.96); received ana ${near.ana.received}, ben ${near.ben.received}`);
    assert.ok(Math.abs(ratio - 20 * Math.log10(1 / 0.4)) <= RATIO_TOLERANCE_DB, `heard ratio ${ratio} dB`);
    // The panner adds nothing: what is played differs from what arrived by the gain alone.
    assert.ok(Math.abs(near.ana.heard - near.ana.received) <= 1, `ana: heard ${near.ana.heard}, received ${near.ana.received}`);
    assert.ok(Math.abs(near.ben.heard - near.ben.received - 20 * Math.log10(0.4)) <= 1, `ben: heard ${near.ben.heard}, received ${near.ben.received}`);

    // B walks to 40 m, beyond where the linear model falls silent (35 m).
    await place('ben', at(40));
    await expectLayout('lis', { ana: 5, ben: 40 });
    await explained(waitFor(async () => ({
      audible: await api('lis', () => window.webvox.audible()),
      listeners: await api('ben', () => window.webvox.listeners()),
    }), (x) => x.audible && !x.audible.includes(ids.ben) && x.audible.includes(ids.ana) && x.listeners && !x.listeners.includes(ids.lis),
    { timeout: UI_TIMEOUT, what: 'the server to take ben out of lis\'s hearing' }));
    const [benStopped, anaFlowing] = await Promise.all([
      expectStream('ben', 'lis', { stopped: true }),
      expectStream('ana', 'lis', { stopped: false }),
    ]);
    console.log(`# ben at 40 m: ben→lis bytesSent ${benStopped.from.bytesSent}→${benStopped.to.bytesSent}, lis received ${benStopped.from.bytesReceived}→${benStopped.to.bytesReceived} over ${benStopped.to.t - benStopped.from.t} ms; ana→lis meanwhile ${anaFlowing.from.bytesSent}→${anaFlowing.to.bytesSent}`);
    assert.equal(benStopped.to.sending, false, 'ben\'s sender towards lis carries no track');
    const far = await explained(waitFor(() => api('lis', () => window.webvox.heardLevels()), (h) => h[ids.ben] < SILENT_DB && h[ids.ana] > AUDIBLE_DB,
      { timeout: UI_TIMEOUT, what: 'ben to fall silent at lis while ana stays' }));
    console.log(`# ben at 40 m: heard ben ${far[ids.ben]} dB, ana ${far[ids.ana]} dB`);
    // Lis stands 40 m from ben too: it does not send to ben either.
    await expectStream('lis', 'ben', { stopped: true });

    // Back to 25 m: the stream resumes and sounds as before.
    await place('ben', at(25));
    await expectLayout('lis', { ana: 5, ben: 25 });
    const resumed = await expectStream('ben', 'lis', { stopped: false });
    console.log(`# ben back at 25 m: bytesSent ${resumed.from.bytesSent}→${resumed.to.bytesSent}`);
    await explained(waitFor(() => api('lis', () => window.webvox.heardLevels()), (h) => h[ids.ben] > AUDIBLE_DB,
      { timeout: AUDIO_TIMEOUT, interval: 200, what: 'lis to hear ben again' }));
    const again = await steadyLevels('lis', ['ana', 'ben']);
    const ratio2 = again.ana.heard - again.ben.heard;
    console.log(`# back at 25 m: heard ana ${again.ana.heard} dB, ben ${again.ben.heard} dB → ${ratio2.toFixed(2)} dB`);
    assert.ok(Math.abs(ratio2 - 20 * Math.log10(1 / 0.4)) <= RATIO_TOLERANCE_DB, `heard ratio after return ${ratio2} dB`);
  });

  it('dragging on the mini-map: the voice fades and cuts off where the channel says', { timeout: TEST_TIMEOUT }, async () => {
    // Two newcomers in a fresh channel: the page puts each 1–4 m from the region centre.
    await joinAll(['lis', 'ana'], channels.drag);
    for (const k of ['lis', 'ana']) {
      const map = pages[k].getByTestId('minimap');
      await map.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
      await explained(waitFor(() => map.getAttribute('data-draggable'), (d) => d === 'true', { timeout: UI_TIMEOUT, what: `${k}'s map to be draggable` }));
      await explained(waitFor(() => api(k, () => window.webvox.positions()?.self), (s) => Number.isFinite(s?.x), { timeout: UI_TIMEOUT, what: `${k} to have a position` }));
    }
    // Lis drags itself 3 m west on its map; Ana then walks away from Lis along the line from
    // Lis through where she stands (any bearing: the pan does not change the heard level).
    const start = await api('lis', () => window.webvox.positions().self);
    const lis = await dragSelf('lis', { x: start.x - 3, y: start.y }, 'ana');
    const anaStart = await api('ana', () => window.webvox.positions().self);
    const away = Math.hypot(anaStart.x - lis.x, anaStart.y - lis.y);
    const dir = away > 0.5 ? { x: (anaStart.x - lis.x) / away, y: (anaStart.y - lis.y) / away } : { x: 1, y: 0 };
    const pointAt = (d) => ({ x: lis.x + dir.x * d, y: lis.y + dir.y * d });

    // Where Ana ended up, as Lis's page knows it: distance, and the gain it plays her at.
    const heardAs = async () => {
      const pos = await api('lis', () => window.webvox.positions());
      const me = pos.self;
      const p = pos.members.find((m) => m.member === ids.ana);
      return { d: Math.hypot(p.position.x - me.x, p.position.y - me.y, (p.position.z ?? 0) - (me.z ?? 0)), gain: p.gain };
    };
    const stepTo = async (d) => {
      await dragSelf('ana', pointAt(d), 'lis');
      const h = await heardAs();
      assert.ok(Math.abs(h.gain - linearGain(h.d)) <= 1e-3, `lis plays ana at ${h.d.toFixed(2)} m with gain ${h.gain}, the formula says ${linearGain(h.d).toFixed(4)}`);
      return h;
    };

    // Within the clamping distance: the reference level.
    const near = await stepTo(5);
    assert.ok(near.d <= REF_M, `ana at ${near.d} m`);
    await explained(waitFor(() => api('lis', () => window.webvox.remoteLevels()), (ls) =>
      ls.some((l) => l.member === ids.ana && hzNear(l.peakHz, people.ana.hz) && l.levelDb > AUDIBLE_DB),
    { timeout: AUDIO_TIMEOUT, interval: 200, what: 'lis to receive ana\'s tone' }));
    const ref = (await steadyLevels('lis', ['ana'])).ana.heard;
    console.log(`# map drag: ana at ${near.d.toFixed(2)} m heard at ${ref} dB (reference)`);

    // Fading: each step's level relative to the reference is 20·log10(gain(d)).
    for (const want of [20, 30]) {
      const h = await stepTo(want);
      const level = (await steadyLevels('lis', ['ana'])).ana.heard;
      const expected = 20 * Math.log10(linearGain(h.d));
      console.log(`# map drag: ana at ${h.d.toFixed(2)} m, gain ${h.gain}: heard ${level} dB, ${(level - ref).toFixed(2)} dB vs reference (want ${expected.toFixed(2)})`);
      assert.ok(Math.abs(level - ref - expected) <= RATIO_TOLERANCE_DB, `ana at ${h.d.toFixed(2)} m: ${(level - ref).toFixed(2)} dB, want ${expected.toFixed(2)} dB`);
    }

    // Beyond 35 m the linear model is silent: nothing played, nothing sent either way.
    const far = await stepTo(42);
    assert.ok(far.d > REF_M + (MAX_M - REF_M) / ROLL_OFF, `ana at ${far.d} m`);
    assert.equal(far.gain, 0);
    await explained(waitFor(async () => ({
      audible: await api('lis', () => window.webvox.audible()),
      listeners: await api('ana', () => window.webvox.listeners()),
    }), (x) => x.audible && !x.audible.includes(ids.ana) && x.listeners && !x.listeners.includes(ids.lis),
    { timeout: UI_TIMEOUT, what: 'the server to take ana out of lis\'s hearing' }));
    const [anaStopped, lisStopped] = await Promise.all([
      expectStream('ana', 'lis', { stopped: true }),
      expectStream('lis', 'ana', { stopped: true }),
    ]);
    assert.equal(anaStopped.to.sending, false, 'ana\'s sender towards lis carries no track');
    const silent = await explained(waitFor(() => api('lis', () => window.webvox.heardLevels()), (h) => h[ids.ana] < SILENT_DB,
      { timeout: UI_TIMEOUT, what: 'ana to fall silent at lis' }));
    console.log(`# map drag: ana at ${far.d.toFixed(2)} m: heard ${silent[ids.ana]} dB; ana→lis bytes ${anaStopped.from.bytesSent}→${anaStopped.to.bytesSent} (lis got ${anaStopped.from.bytesReceived}→${anaStopped.to.bytesReceived}), lis→ana ${lisStopped.from.bytesSent}→${lisStopped.to.bytesSent} over ${anaStopped.to.t - anaStopped.from.t} ms`);

    // Dragged back into range: the stream resumes at the level the formula gives.
    const back = await stepTo(25);
    const resumed = await expectStream('ana', 'lis', { stopped: false });
    const level = (await steadyLevels('lis', ['ana'])).ana.heard;
    const expected = 20 * Math.log10(linearGain(back.d));
    console.log(`# map drag: back at ${back.d.toFixed(2)} m: bytesSent ${resumed.from.bytesSent}→${resumed.to.bytesSent}; heard ${level} dB, ${(level - ref).toFixed(2)} dB vs reference (want ${expected.toFixed(2)})`);
    assert.ok(Math.abs(level - ref - expected) <= RATIO_TOLERANCE_DB, `ana back at ${back.d.toFixed(2)} m: ${(level - ref).toFixed(2)} dB, want ${expected.toFixed(2)} dB`);
  });

  it('a non-positional channel plays everyone alike wherever they stand', { timeout: TEST_TIMEOUT }, async () => {
    await joinAll(['lis', 'ana', 'ben'], channels.flat);
    const info = (await state('lis')).channelInfo;
    assert.equal(info?.type, 'channel', JSON.stringify(info));
    await Promise.all([place('lis', at(0)), place('ana', at(5)), place('ben', at(200))]);
    await pages.lis.getByTestId('space-note').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    assert.equal(await pages.lis.getByTestId('minimap').isVisible(), false, 'no map in a non-positional channel');
    await explained(waitFor(() => api('lis', () => window.webvox.remoteLevels()), (ls) =>
      ['ana', 'ben'].every((k) => ls.some((l) => l.member === ids[k] && hzNear(l.peakHz, people[k].hz) && l.levelDb > AUDIBLE_DB)),
    { timeout: AUDIO_TIMEOUT, interval: 200, what: 'lis to receive both tones in the flat channel' }));
    const levels = await steadyLevels('lis', ['ana', 'ben']);
    const diff = levels.ana.heard - levels.ben.heard;
    console.log(`# flat channel, 5 m vs 200 m: heard ana ${levels.ana.heard} dB, ben ${levels.ben.heard} dB → ${diff.toFixed(2)} dB (want 0)`);
    assert.ok(Math.abs(diff) <= RATIO_TOLERANCE_DB, `heard difference ${diff} dB`);
  });

  it('in a lecture a participant is heard only once a moderator gives it the floor', { timeout: TEST_TIMEOUT }, async () => {
    const { lis } = people;
    // Lis moderates, through a join link that says so; Ben sits this one out.
    const link = await server.joinToken({ account: lis.account, channel: channels.lecture, name: lis.name, ttl: 600, moderator: true });
    assert.ok(link.token, JSON.stringify(link));
    await api('ben', () => window.webvox.leave());
    const joined = await api('lis', async (token) => {
      await window.webvox.signIn({ token });
      return window.webvox.join();
    }, link.token);
    ids.lis = joined.self.member;
    assert.equal(joined.self.role, 'moderator');
    await joinAll(['ana'], channels.lecture);

    // Ana, a participant, has no floor: nobody hears her and she sends to nobody.
    const st = await explained(waitFor(() => state('ana'), (s) => s.floor === false && s.members.some((m) => m.member === ids.lis),
      { timeout: UI_TIMEOUT, what: 'ana without the floor' }));
    assert.equal(st.role, 'participant');
    await pages.ana.getByTestId('hand-button').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    assert.match(await pages.ana.getByTestId('floor-text').textContent(), /nobody hears you/i);
    await explained(waitFor(() => api('lis', () => window.webvox.audible()), (a) => Array.isArray(a) && !a.includes(ids.ana), { timeout: UI_TIMEOUT, what: 'lis not to hear ana' }));
    // Lis is heard by Ana (moderators speak), which shows the connection itself works.
    await explained(waitFor(() => api('ana', () => window.webvox.heardLevels()), (h) => h[ids.lis] > AUDIBLE_DB, { timeout: AUDIO_TIMEOUT, interval: 200, what: 'ana to hear lis' }));
    await expectStream('ana', 'lis', { stopped: true });
    assert.ok((await api('lis', () => window.webvox.heardLevels()))[ids.ana] < SILENT_DB);

    // Ana raises her hand (the button); Lis sees it and gives her the floor (the row's button).
    await pages.ana.getByTestId('hand-button').click();
    const row = pages.lis.locator(`[data-testid="participant"][data-member="${ids.ana}"]`);
    await explained(waitFor(() => row.getAttribute('data-hand'), (h) => h === 'true', { timeout: UI_TIMEOUT, what: 'lis to see ana\'s hand' }));
    // The polite live region says it for a screen reader, as it says the floor below.
    const announced = (name) => pages[name].getByTestId('announcer').textContent();
    await explained(waitFor(() => announced('lis'), (t) => /\bAna raised their hand\b/.test(t), { timeout: UI_TIMEOUT, what: 'lis\'s live region to announce ana\'s hand' }));
    const grant = row.getByTestId('floor-button');
    assert.equal(await grant.textContent(), 'Give the floor');
    await grant.click();
    await explained(waitFor(() => state('ana'), (s) => s.floor === true && s.hand === false, { timeout: UI_TIMEOUT, what: 'ana to get the floor, hand lowered' }));
    await explained(waitFor(() => announced('ana'), (t) => /\bYou have the floor\b/.test(t), { timeout: UI_TIMEOUT, what: 'ana\'s live region to announce her floor' }));
    await explained(waitFor(() => announced('lis'), (t) => /\bAna has the floor\b/.test(t), { timeout: UI_TIMEOUT, what: 'lis\'s live region to announce ana\'s floor' }));
    await expectStream('ana', 'lis', { stopped: false });
    const heard = await explained(waitFor(() => api('lis', () => window.webvox.heardLevels()), (h) => h[ids.ana] > AUDIBLE_DB,
      { timeout: AUDIO_TIMEOUT, interval: 200, what: 'lis to hear ana with the floor' }));
    console.log(`# lecture: ana heard at ${heard[ids.ana]} dB once given the floor`);
    assert.equal(await grant.textContent(), 'Take the floor');
  });
});
