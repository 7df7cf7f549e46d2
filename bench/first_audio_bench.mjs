// Time to first audio: how long after its signalling WebSocket opens does a browser that joins
// a two-person channel hear the other person, on loopback?
//
// Setup: one webvoxd, two headless Chromium processes with tone microphones (A: 440 Hz,
// B: 660 Hz), both serving the real client (web/). A joins the channel once and stays. Each
// round, B signs in and joins (window.webvox.signIn + join, i.e. exactly what the page does
// for a join link), the round is timed, then B signs out and A is seen to drop B. The first
// round is a warm-up and not counted.
//
// Marks, all taken inside the pages (performance.now(); the client is not modified: an init
// script wraps WebSocket, RTCPeerConnection and getUserMedia to observe them):
//   wsOpen    the /signal WebSocket's `open` event on B            ← t = 0 for everything below
//   welcome   B receives `welcome`
//   mic       B's getUserMedia resolved (the client opens the mic before sending `join`)
//   joined    B receives `joined`
//   offer     B sends its offer to A (the newcomer offers)
//   answer    B receives A's answer
//   ice       B's ICE connection state reaches 'connected'
//   connected B's RTCPeerConnection reaches connectionState 'connected' (ICE + DTLS done)
//   rtp       B's remote audio track fires `unmute`: Chromium's signal that the first RTP packet
//             from A arrived ("first remote audio frame" at the network level)
//   audible   "first remote audio frame" as heard: the first read of B's AnalyserNode on A's
//             stream (window.webvox.remoteLevels(), polled every 5 ms) with the RMS level above
//             −60 dBFS, i.e. A's decoded audio reached WebAudio
//   tone      the first such read whose spectral peak is A's 440 Hz (±10 Hz)
//   heardByA  A's analyser on B's stream first above −60 dBFS (A's clock, mapped to B's through
//             performance.timeOrigin; both are the same machine's clock)
//
// Usage (inside a loopback-only namespace; first_audio_bench.sh does that):
//   node bench/first_audio_bench.mjs [--webvoxd PATH] [--rounds 25] [--json out.json] [--processing on]

import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import {
  Server, makeTempDir, removeDir, makeTone, launchBrowser, waitFor, percentile,
} from '../tests/browser/lib.mjs';

const { values: opts } = parseArgs({
  options: {
    webvoxd: { type: 'string' },
    rounds: { type: 'string', default: '25' },
    json: { type: 'string' },
    processing: { type: 'string', default: 'off' },
    'round-timeout': { type: 'string', default: '20000' },
  },
});
if (opts.webvoxd) process.env.WEBVOXD = opts.webvoxd;
const ROUNDS = Number(opts.rounds);
const ROUND_TIMEOUT = Number(opts['round-timeout']);
const A_HZ = 440;
const B_HZ = 660;
const AUDIBLE_DB = -60;

// Runs in every page before the client's modules. Observes, never changes behaviour.
function instrument() {
  const fa = { marks: {}, epoch: {} };
  window.__fa = fa;
  const mark = (k) => {
    if (fa.armed && !(k in fa.marks)) fa.marks[k] = performance.now();
  };
  fa.mark = mark;
  fa.arm = () => {
    fa.marks = {};
    fa.armed = true;
  };

  const NativeWS = window.WebSocket;
  window.WebSocket = class extends NativeWS {
    constructor(url, protocols) {
      super(url, protocols);
      if (!String(url).includes('/signal')) return;
      this.addEventListener('open', () => mark('wsOpen'));
      this.addEventListener('message', (ev) => {
        try {
          const m = JSON.parse(ev.data);
          if (m.type === 'welcome' || m.type === 'joined') mark(m.type);
          if (m.type === 'signal' && m.data?.description?.type === 'answer') mark('answer');
        } catch {
          // not ours to judge
        }
      });
    }

    send(data) {
      if (typeof data === 'string' && data.includes('"type":"offer"')) mark('offer');
      return super.send(data);
    }
  };

  const NativePC = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePC {
    constructor(...args) {
      super(...args);
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected') mark('connected');
      });
      this.addEventListener('iceconnectionstatechange', () => {
        if (this.iceConnectionState === 'connected' || this.iceConnectionState === 'completed') mark('ice');
      });
      this.addEventListener('track', ({ track }) => {
        mark('track');
        if (!track.muted) mark('rtp');
        else track.addEventListener('unmute', () => mark('rtp'), { once: true });
      });
    }
  };

  const md = navigator.mediaDevices;
  if (md?.getUserMedia) {
    const gum = md.getUserMedia.bind(md);
    md.getUserMedia = async (c) => {
      const s = await gum(c);
      mark('mic');
      return s;
    };
  }

  // Polls the client's own analysers (what remoteLevels() reports) for the first sound.
  fa.watch = (account, hz, audibleDb) => {
    clearInterval(fa.timer);
    fa.timer = setInterval(() => {
      if (!window.webvox) return;
      for (const l of window.webvox.remoteLevels()) {
        if (account && l.account !== account) continue;
        if (l.levelDb > audibleDb) mark('audible');
        if (l.levelDb > audibleDb && Math.abs(l.peakHz - hz) <= 10) mark('tone');
      }
      if ('tone' in fa.marks && 'audible' in fa.marks) clearInterval(fa.timer);
    }, 5);
  };
  fa.toEpoch = (t) => performance.timeOrigin + t;
}

async function openPage(browser, server) {
  const context = await browser.newContext({ permissions: ['microphone'] });
  await context.addInitScript(instrument);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error(`pageerror: ${err.message}`));
  await page.goto(`${server.base}/?processing=${opts.processing === 'on' ? 'on' : 'off'}`);
  await page.waitForFunction(() => typeof window.webvox?.state === 'function');
  return page;
}

function stats(xs) {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return { n: 0 };
  return {
    n: s.length,
    min: s[0],
    median: percentile(s, 50),
    p90: percentile(s, 90),
    max: s[s.length - 1],
  };
}

const fmt = (x) => (Number.isFinite(x) ? x.toFixed(1).padStart(7) : '      –');

async function main() {
  const tmp = makeTempDir('webvox-bench-');
  const server = await new Server({ dir: tmp }).start();
  let browsers = [];
  try {
    const a = await server.createAccount('xBenchA', 'bench-a');
    const b = await server.createAccount('xBenchB', 'bench-b');
    const channel = await server.createChannel('first-audio');
    browsers = await Promise.all([launchBrowser(makeTone(tmp, A_HZ, 60)), launchBrowser(makeTone(tmp, B_HZ, 60))]);
    const [pa, pb] = await Promise.all(browsers.map((br) => openPage(br, server)));

    await pa.evaluate(async ({ a, channel }) => {
      await window.webvox.signIn({ account: a.account, password: a.password });
      await window.webvox.join(channel);
    }, { a, channel });

    const rounds = [];
    for (let i = 0; i <= ROUNDS; i++) {
      // A's watcher looks for B's audio; arm both pages before B starts.
      await pa.evaluate(({ acct, hz, db }) => { window.__fa.arm(); window.__fa.watch(acct, hz, db); }, { acct: b.account, hz: B_HZ, db: AUDIBLE_DB });
      const r = await pb.evaluate(async ({ b, channel, hz, db, timeout }) => {
        const fa = window.__fa;
        fa.arm();
        const t0 = performance.now();
        fa.watch(null, hz, db);
        await window.webvox.signIn({ account: b.account, password: b.password });
        await window.webvox.join(channel);
        const deadline = performance.now() + timeout;
        const all = ['wsOpen', 'welcome', 'mic', 'joined', 'offer', 'answer', 'ice', 'connected', 'rtp', 'audible', 'tone'];
        while (!('tone' in fa.marks && 'audible' in fa.marks) && performance.now() < deadline) {
          await new Promise((res) => setTimeout(res, 10));
        }
        // Events are queued tasks: 'connected' or 'unmute' can be dispatched after the analyser
        // already hears sound. Give the stragglers a moment so every mark gets recorded.
        const grace = performance.now() + 2000;
        while (all.some((k) => !(k in fa.marks)) && performance.now() < Math.min(grace, deadline)) {
          await new Promise((res) => setTimeout(res, 10));
        }
        return { t0, marks: { ...fa.marks }, timeOrigin: performance.timeOrigin };
      }, { b, channel, hz: A_HZ, db: AUDIBLE_DB, timeout: ROUND_TIMEOUT });
      // A hearing B.
      const heardByA = await waitFor(
        () => pa.evaluate(() => ({ audible: window.__fa.marks.audible, timeOrigin: performance.timeOrigin })),
        (x) => x.audible !== undefined,
        { timeout: ROUND_TIMEOUT, interval: 20, what: `round ${i}: A hearing B` },
      ).catch(() => ({}));

      const base = r.marks.wsOpen;
      const rel = {};
      for (const [k, v] of Object.entries(r.marks)) rel[k] = v - base;
      rel.beforeOpen = base - r.t0;
      if (heardByA.audible !== undefined) rel.heardByA = heardByA.timeOrigin + heardByA.audible - (r.timeOrigin + base);
      if (i > 0) rounds.push(rel);
      const line = ['welcome', 'mic', 'joined', 'offer', 'answer', 'ice', 'connected', 'rtp', 'audible', 'tone', 'heardByA'].map((k) => `${k} ${fmt(rel[k])}`).join(' ');
      console.log(`${i === 0 ? 'warm-up' : `round ${String(i).padStart(2)}`}: ${line}`);

      // B leaves (closes its socket); the next round starts once A has seen that.
      await pb.evaluate(() => window.webvox.signOut());
      await waitFor(() => pa.evaluate(() => window.webvox.state().members.length), (n) => n === 0, { timeout: 10000, what: 'A to see B leave' });
    }

    const keys = ['beforeOpen', 'welcome', 'mic', 'joined', 'offer', 'answer', 'ice', 'connected', 'rtp', 'audible', 'tone', 'heardByA'];
    const summary = Object.fromEntries(keys.map((k) => [k, stats(rounds.map((r) => r[k]))]));
    console.log(`\nms after B's WebSocket opened, ${rounds.length} rounds (processing=${opts.processing}):`);
    console.log(`${'mark'.padEnd(11)}${['n', 'min', 'median', 'p90', 'max'].map((h) => h.padStart(8)).join('')}`);
    for (const k of keys) {
      const s = summary[k];
      console.log(`${k.padEnd(11)}${String(s.n).padStart(8)}${[s.min, s.median, s.p90, s.max].map((x) => ` ${fmt(x)}`).join('')}`);
    }
    const goal = summary.audible.median;
    console.log(`\nfirst remote audio (audible) median ${fmt(goal).trim()} ms, p90 ${fmt(summary.audible.p90).trim()} ms; goal < 300 ms median: ${goal < 300 ? 'met' : 'NOT met'}`);
    if (opts.json) writeFileSync(opts.json, `${JSON.stringify({ rounds, summary }, null, 1)}\n`);
    return summary.audible.n === rounds.length ? 0 : 1;
  } finally {
    await Promise.allSettled(browsers.map((br) => br.close()));
    await server.stop();
    removeDir(tmp);
  }
}

process.exitCode = await main();
