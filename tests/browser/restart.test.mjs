// webvoxd restarted under a channel in use (issue 13, fault 2a): two Chromium pages, each with
// its own sine tone as microphone, hear each other in a channel; webvoxd is killed (SIGKILL:
// a crash, no goodbye to anyone) and started again on the same data folder and ports. Nobody
// touches the pages: each must notice, reconnect with its backoff, sign in again, rejoin the
// channel it was in (web/session.js, `reconnected`) and hear the other's tone again, as the
// new member the other now is, within RECOVERY_MS of the new webvoxd listening. Once peer to
// peer (mesh) and once forwarded by the server (always-sfu, whose media port is the listen
// port's number, so it comes back on the same UDP port too). The measured times are printed
// (docs/fault-tolerance.md keeps them).
//
// Run through run.sh (loopback-only network namespace, which also makes the fixed ports free):
//   bash tests/browser/run.sh [webvoxd] restart.test.mjs
// Every wait polls a condition with a deadline; nothing synchronises on a fixed sleep.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import {
  Server, makeTempDir, makeTone, launchBrowser, openClient, waitFor, hzNear, SCALE, removeDir, SFU_MEDIA_ARGS,
} from './lib.mjs';

const AUDIO_TIMEOUT = 30000 * SCALE;
// The promise: voice back within 10 s of the restart.
const RECOVERY_MS = 10000;
const TEST_TIMEOUT = 120000 * SCALE;
// The tones arrive around −9 dBFS RMS; a page hearing nothing reads −200.
const AUDIBLE_DB = -45;

const people = {
  ana: { account: 'xAnaRestart', password: 'ana-pw-r', name: 'Ana', hz: 440 },
  ben: { account: 'xBenRestart', password: 'ben-pw-r', name: 'Ben', hz: 660 },
};
const other = { ana: 'ben', ben: 'ana' };

let tmp;
const browsers = {};

before(async () => {
  tmp = makeTempDir('webvox-restart-');
  await Promise.all(Object.keys(people).map(async (k) => {
    browsers[k] = await launchBrowser(makeTone(tmp, people[k].hz, 60));
  }));
});

after(async () => {
  await Promise.allSettled(Object.values(browsers).map((b) => b.close()));
  removeDir(tmp);
});

const api = (page, fn, arg) => page.evaluate(fn, arg);

// `k`'s page hears the other's tone from the member the other page is now (its id changes with
// every connection), clearly audible.
async function hearsOther(pages, k) {
  const them = await api(pages[other[k]], () => window.webvox.state().self);
  const levels = await api(pages[k], () => window.webvox.remoteLevels());
  return { them, levels, ok: !!them && levels.some((l) => l.member === them && hzNear(l.peakHz, people[other[k]].hz) && l.levelDb > AUDIBLE_DB) };
}

async function detail(pages) {
  const out = [];
  for (const [k, page] of Object.entries(pages)) {
    const d = await api(page, async () => ({
      state: window.webvox.state(), forwarding: window.webvox.forwarding(),
      remote: window.webvox.remoteLevels(), peers: await window.webvox.peerStats(),
    })).catch((e) => ({ error: e.message }));
    out.push(`${k}: ${JSON.stringify(d)}\n  ${k} console: ${page.webvoxLog.slice(-10).join('\n    ')}`);
  }
  return out.join('\n  ');
}

async function explained(pages, server, promise) {
  try {
    return await promise;
  } catch (err) {
    err.message += `\n  ${await detail(pages)}\n  webvoxd log (tail):\n${server.logTail(30)}`;
    throw err;
  }
}

// One channel, two pages, one restart; returns the measured times.
async function restartScenario({ mode, port, args, forwarding }) {
  const dir = path.join(tmp, mode);
  mkdirSync(dir);
  const server = await new Server({ dir, listen: `127.0.0.1:${port}`, args }).start();
  const pages = {};
  try {
    for (const p of Object.values(people)) await server.createAccount(p.account, p.password);
    const channel = await server.createChannel(`restart-${mode}`, 'channel');
    for (const k of Object.keys(people)) {
      pages[k] = await openClient(browsers[k], server);
      const p = people[k];
      await api(pages[k], async ({ p, uri }) => {
        await window.webvox.signIn({ account: p.account, password: p.password, name: p.name });
        return window.webvox.join(uri);
      }, { p, uri: channel });
    }
    await explained(pages, server, Promise.all(Object.keys(people).map((k) => waitFor(() => hearsOther(pages, k), (r) => r.ok,
      { timeout: AUDIO_TIMEOUT, interval: 200, what: `${k} to hear ${other[k]} before the restart` }))));
    for (const k of Object.keys(people)) {
      assert.equal(await api(pages[k], () => window.webvox.forwarding()), forwarding, `${k} before the restart`);
    }
    const before = Object.fromEntries(await Promise.all(Object.keys(people).map(async (k) => [k, await api(pages[k], () => window.webvox.state().self)])));
    // A mark a reload would wipe: the pages must recover by themselves, not be reloaded.
    await Promise.all(Object.values(pages).map((page) => api(page, () => { window.webvoxRestartMark = true; })));

    const killedAt = await server.kill();
    // The pages notice the loss (socket closed) before the server is back.
    await explained(pages, server, Promise.all(Object.keys(people).map((k) => waitFor(() => api(pages[k], () => window.webvox.state().signalling),
      (s) => s === 'reconnecting', { timeout: 10000 * SCALE, what: `${k} to notice webvoxd is gone` }))));
    await server.start();
    const listeningAt = Date.now();

    // Each page's own clock: when it first hears the other's tone again.
    const heardAt = {};
    await explained(pages, server, Promise.all(Object.keys(people).map(async (k) => {
      await waitFor(() => hearsOther(pages, k), (r) => r.ok && r.them !== before[other[k]],
        { timeout: AUDIO_TIMEOUT, interval: 100, what: `${k} to hear ${other[k]} again after the restart` });
      heardAt[k] = Date.now();
    })));
    const times = {};
    for (const k of Object.keys(people)) {
      times[k] = { fromListening: heardAt[k] - listeningAt, fromKill: heardAt[k] - killedAt };
      const st = await api(pages[k], () => window.webvox.state());
      assert.equal(st.channel, channel, `${k} is back in the channel`);
      assert.notEqual(st.self, before[k], `${k} is a new member after the restart`);
      assert.equal(await api(pages[k], () => window.webvoxRestartMark), true, `${k} was not reloaded`);
      assert.equal(await api(pages[k], () => window.webvox.forwarding()), forwarding, `${k} after the restart`);
    }
    console.log(`# ${mode}: webvoxd down for ${listeningAt - killedAt} ms; voice back after ${JSON.stringify(times)} ms`);
    for (const k of Object.keys(people)) {
      assert.ok(times[k].fromListening <= RECOVERY_MS,
        `${k} heard ${other[k]} again ${times[k].fromListening} ms after webvoxd listened again (limit ${RECOVERY_MS} ms)`);
    }
    return times;
  } finally {
    for (const page of Object.values(pages)) await page.context().close().catch(() => {});
    await server.stop();
    if (process.exitCode) console.error(`webvoxd log (tail):\n${server.logTail()}`);
  }
}

describe('webvoxd restarted under a channel in use', { timeout: 3 * TEST_TIMEOUT }, () => {
  it('peer to peer: both pages rejoin by themselves and hear each other again', { timeout: TEST_TIMEOUT }, async () => {
    await restartScenario({ mode: 'mesh', port: 18443, args: ['--media-mode', 'mesh'], forwarding: 'mesh' });
  });

  it('forwarded by webvoxd: both pages rejoin by themselves and hear each other again', { timeout: TEST_TIMEOUT }, async () => {
    await restartScenario({ mode: 'sfu', port: 18453, args: SFU_MEDIA_ARGS, forwarding: 'sfu' });
  });
});
