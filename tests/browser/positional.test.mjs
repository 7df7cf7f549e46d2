// Positional audio and channel modes in real browsers. Three headless Chromium processes, each
// with its own sine tone as microphone, placed by the test through window.webvox.setPosition:
// a listener at the origin facing east, speaker A 5 m and speaker B 25 m in front of it (so both
// are panned alike). In a positional channel with the module's defaults (linear, clamping 10 m,
// max 60 m, roll-off 2, so silent from 35 m) the listener must hear A at gain 1 and B at 0.4:
// 20·log10(1/0.4) = 7.96 dB apart. B at 40 m must not be heard and must not be sent at all
// (RTP byte counters stop on both ends); back at 25 m it is again. In a non-positional channel
// both are heard alike wherever they stand. In a lecture channel a participant is silent until
// a moderator gives it the floor.
//
// Run through run.sh (loopback-only network namespace):
//   bash tests/browser/run.sh [webvoxd] positional.test.mjs
// Every wait polls a condition with a deadline; nothing synchronises on a fixed sleep.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  Server, makeTempDir, removeDir, makeTone, launchBrowser, openClient, waitFor, hzNear, SCALE,
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
    server = await new Server({ dir: tmp }).start();
    for (const p of Object.values(people)) await server.createAccount(p.account, p.password);
    channels.positional = await server.createChannel('positional-test', 'positional', POSITIONAL);
    channels.flat = await server.createChannel('flat-test', 'channel');
    channels.lecture = await server.createChannel('lecture-test', 'channel', { chan_mode: 'lecture' });
    await Promise.all(Object.keys(people).map(async (k) => {
      browsers[k] = await launchBrowser(wavs[k]);
      pages[k] = await openClient(browsers[k], server);
      pages[k].webvoxName = k;
    }));
  });

  after(async () => {
    for (const [k, page] of Object.entries(pages)) {
      if (page.webvoxLog?.length) console.log(`# ${k}: page console:\n#   ${page.webvoxLog.join('\n#   ')}`);
    }
    await Promise.allSettled(Object.values(browsers).map((b) => b.close()));
    if (server) {
      await server.stop();
      if (process.exitCode) console.error(`webvoxd log (tail):\n${server.logTail()}`);
    }
    removeDir(tmp);
  });

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
    const grant = row.getByTestId('floor-button');
    assert.equal(await grant.textContent(), 'Give the floor');
    await grant.click();
    await explained(waitFor(() => state('ana'), (s) => s.floor === true && s.hand === false, { timeout: UI_TIMEOUT, what: 'ana to get the floor, hand lowered' }));
    await expectStream('ana', 'lis', { stopped: false });
    const heard = await explained(waitFor(() => api('lis', () => window.webvox.heardLevels()), (h) => h[ids.ana] > AUDIBLE_DB,
      { timeout: AUDIO_TIMEOUT, interval: 200, what: 'lis to hear ana with the floor' }));
    console.log(`# lecture: ana heard at ${heard[ids.ana]} dB once given the floor`);
    assert.equal(await grant.textContent(), 'Take the floor');
  });
});
