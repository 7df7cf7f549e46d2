// TURN for real (issue 13, fault 2d): Debian's coturn, started here with use-auth-secret, and a
// browser that may reach nothing of webvoxd but its HTTP/WebSocket port and the TURN server.
//
// Ben's Chromium runs on the far side of a link (far_side.mjs: its own network namespace,
// joined to this one by tun devices, no impairment). An nft firewall made in that namespace
// drops everything Ben sends to webvoxd's address except TCP to the HTTP port and UDP/TCP to
// coturn's port: webvoxd's media ports (UDP, and the ICE-TCP fallback) and Ana's browser's
// ports are out of reach, each drop counted. webvoxd runs with turn-urls and turn-secret (the
// same secret as coturn's static-auth-secret) and hands each client time-limited REST
// credentials in its `welcome`; with them Ben's browser allocates a relay on coturn. Ana,
// next to webvoxd, is not firewalled.
//
// Asserted, peer to peer (media-mode mesh) and forwarded by webvoxd (always-sfu): each page
// hears the other's tone; Ben's selected candidate pair has a relay candidate on Ben's side
// (getStats); the welcome's credentials are REST ones (expiry:account, the HMAC-SHA1 of that
// under the secret) that coturn took; and the firewall really stopped Ben's direct attempts
// (its counters moved: to webvoxd's media port when forwarded, to Ana's ports in a mesh).
//
// Run through run.sh:  bash tests/browser/run.sh [webvoxd] turn.test.mjs
// Needs coturn (turnserver) and nftables. Every wait polls a condition with a deadline.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  Server, makeTempDir, makeTone, launchBrowser, openClient, waitFor, hzNear, SCALE, removeDir, SFU_MEDIA_ARGS,
} from './lib.mjs';
import { startLink, farChromium, secureOrigins } from './far_side.mjs';

const AUDIO_TIMEOUT = 40000 * SCALE;
const TEST_TIMEOUT = 120000 * SCALE;
const AUDIBLE_DB = -45;
const NETNS = `wvx-turn-${process.pid}`;
const TURN_PORT = 3478;
const TURN_SECRET = 'turn-test-secret-0123456789';
const TURN_REALM = 'webvox.test';
// Per scenario: webvoxd's HTTP port (its UDP media port has the same number) and its ICE-TCP port.
const PORTS = { mesh: { http: 18481, mediaTcp: 18482 }, sfu: { http: 18483, mediaTcp: 18484 } };

const people = {
  ana: { account: 'xAnaTurn', password: 'ana-pw-t', name: 'Ana', hz: 440 }, // next to webvoxd
  ben: { account: 'xBenTurn', password: 'ben-pw-t', name: 'Ben', hz: 660 }, // firewalled, far side
};
const other = { ana: 'ben', ben: 'ana' };

let tmp;
let link;
let coturn;
let near;
const browsers = {};

function run(cmd, args, input) {
  const r = spawnSync(cmd, args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.error}`);
  return r.stdout;
}

// Resolves once something accepts TCP connections on host:port.
function tcpOpen(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

async function startCoturn(dir) {
  const logFile = path.join(dir, 'turnserver.log');
  const proc = spawn('turnserver', ['-n', `--listening-ip=${near}`, `--relay-ip=${near}`,
    `--listening-port=${TURN_PORT}`, '--min-port=49152', '--max-port=49407',
    '--use-auth-secret', `--static-auth-secret=${TURN_SECRET}`, `--realm=${TURN_REALM}`,
    '--no-tls', '--no-dtls', '--no-cli', '--no-multicast-peers', '--log-file=stdout', '--simple-log',
    `--pidfile=${path.join(dir, 'turnserver.pid')}`, `--db=${path.join(dir, 'turndb')}`],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile);
  proc.stdout.pipe(log);
  proc.stderr.pipe(log);
  let exit = null;
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => { exit = code ?? signal; resolve(); }));
  await waitFor(async () => {
    if (exit !== null) throw new Error(`turnserver exited (${exit}); log: ${logFile}`);
    return tcpOpen(near, TURN_PORT);
  }, Boolean, { timeout: 15000, interval: 100, what: 'coturn to listen' });
  return {
    logFile,
    log: () => { try { return readFileSync(logFile, 'utf8'); } catch { return ''; } },
    async stop() { if (exit === null) { proc.kill('SIGTERM'); await exited; } },
  };
}

// Ben's side: only webvoxd's HTTP ports and coturn are reachable on webvoxd's address; drops to
// the media ports and to anything else (Ana's browser) are counted separately.
function firewallBen() {
  const http = Object.values(PORTS).map((p) => p.http).join(', ');
  const mediaTcp = Object.values(PORTS).map((p) => p.mediaTcp).join(', ');
  run('ip', ['netns', 'exec', NETNS, 'nft', '-f', '-'], `
table inet webvox_turn_test {
  counter media_udp {}
  counter media_tcp {}
  counter other {}
  chain out {
    type filter hook output priority 0; policy accept;
    ip daddr ${near} tcp dport { ${http} } accept
    ip daddr ${near} udp dport ${TURN_PORT} accept
    ip daddr ${near} tcp dport ${TURN_PORT} accept
    ip daddr ${near} udp dport { ${http} } counter name media_udp drop
    ip daddr ${near} tcp dport { ${mediaTcp} } counter name media_tcp drop
    ip daddr ${near} counter name other drop
  }
}
`);
}

function firewallCounters() {
  const out = JSON.parse(run('ip', ['netns', 'exec', NETNS, 'nft', '-j', 'list', 'counters', 'table', 'inet', 'webvox_turn_test']));
  const counters = {};
  for (const item of out.nftables) if (item.counter) counters[item.counter.name] = item.counter.packets;
  return counters;
}

const api = (page, fn, arg) => page.evaluate(fn, arg);

// Per connection of the page: the selected candidate pair's two ends.
function selectedPairs(page) {
  return api(page, async () => {
    const app = window.webvox._internals.app;
    const pcs = app.sfu ? [app.sfu.pc] : [...(app.mesh?.peers.values() ?? [])].map((p) => p.pc);
    const out = [];
    for (const pc of pcs) {
      if (!pc) continue;
      const stats = await pc.getStats();
      let pair = null;
      stats.forEach((s) => { if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId); });
      if (!pair) { out.push(null); continue; }
      const local = stats.get(pair.localCandidateId);
      const remote = stats.get(pair.remoteCandidateId);
      out.push({
        state: pair.state,
        local: { type: local?.candidateType, protocol: local?.protocol, relayProtocol: local?.relayProtocol, address: `${local?.address}:${local?.port}` },
        remote: { type: remote?.candidateType, protocol: remote?.protocol, address: `${remote?.address}:${remote?.port}` },
      });
    }
    return out;
  });
}

async function hearsOther(pages, k, ids) {
  const levels = await api(pages[k], () => window.webvox.remoteLevels());
  return levels.some((l) => l.member === ids[other[k]] && hzNear(l.peakHz, people[other[k]].hz) && l.levelDb > AUDIBLE_DB);
}

async function scenario({ mode, args, forwarding }) {
  const dir = path.join(tmp, mode);
  mkdirSync(dir);
  const ports = PORTS[mode];
  const turnUrls = `turn:${near}:${TURN_PORT}?transport=udp,turn:${near}:${TURN_PORT}?transport=tcp`;
  const server = await new Server({
    dir, listen: `${near}:${ports.http}`,
    args: [...args, '--media-tcp-port', String(ports.mediaTcp), '--turn-urls', turnUrls, '--turn-secret', TURN_SECRET],
  }).start();
  const pages = {};
  try {
    for (const p of Object.values(people)) await server.createAccount(p.account, p.password);
    const channel = await server.createChannel(`turn-${mode}`, 'channel');
    const ids = {};
    const welcomes = {};
    for (const k of ['ana', 'ben']) {
      pages[k] = await openClient(browsers[k], server);
      const p = people[k];
      const joined = await api(pages[k], async ({ p, uri }) => {
        await window.webvox.signIn({ account: p.account, password: p.password, name: p.name });
        return window.webvox.join(uri);
      }, { p, uri: channel });
      ids[k] = joined.self.member;
      welcomes[k] = await api(pages[k], () => window.webvox._internals.sig.welcome);
    }
    // The REST credentials webvoxd handed out: expiry:account and its HMAC-SHA1 under the secret.
    const turn = welcomes.ben.iceServers.find((s) => [].concat(s.urls).some((u) => u.startsWith('turn:')));
    assert.ok(turn, `ben's welcome has a TURN server: ${JSON.stringify(welcomes.ben.iceServers)}`);
    const [expiry, account] = turn.username.split(':');
    assert.equal(account, people.ben.account);
    assert.ok(Number(expiry) > Date.now() / 1000, `the credentials expire in the future: ${turn.username}`);
    assert.equal(turn.credential, createHmac('sha1', TURN_SECRET).update(turn.username).digest('base64'));

    const before = firewallCounters();
    try {
      await Promise.all(['ana', 'ben'].map((k) => waitFor(() => hearsOther(pages, k, ids), Boolean,
        { timeout: AUDIO_TIMEOUT, interval: 200, what: `${k} to hear ${other[k]} (${mode})` })));
    } catch (err) {
      err.message += `\n  ben's pairs: ${JSON.stringify(await selectedPairs(pages.ben).catch((e) => e.message))}` +
        `\n  ben console: ${pages.ben.webvoxLog.slice(-10).join('\n    ')}\n  firewall: ${JSON.stringify(firewallCounters())}` +
        `\n  coturn log (tail):\n${coturn.log().split('\n').slice(-15).join('\n')}`;
      throw err;
    }
    for (const k of ['ana', 'ben']) assert.equal(await api(pages[k], () => window.webvox.forwarding()), forwarding);
    const pairs = { ben: await selectedPairs(pages.ben), ana: await selectedPairs(pages.ana) };
    const after = firewallCounters();
    const dropped = Object.fromEntries(Object.keys(after).map((name) => [name, after[name] - (before[name] ?? 0)]));
    console.log(`# ${mode}: ben's selected pairs ${JSON.stringify(pairs.ben)}; ana's ${JSON.stringify(pairs.ana)}; ` +
      `ben's firewall dropped ${JSON.stringify(dropped)} packets`);

    assert.equal(pairs.ben.length, 1, `ben has one connection (${mode})`);
    assert.equal(pairs.ben[0]?.local.type, 'relay', `ben's media goes through coturn: ${JSON.stringify(pairs.ben)}`);
    if (forwarding === 'sfu') {
      assert.ok(dropped.media_udp > 0, `ben tried webvoxd's media port directly and was stopped: ${JSON.stringify(dropped)}`);
    } else {
      assert.ok(dropped.other > 0, `ben tried Ana's ports directly and was stopped: ${JSON.stringify(dropped)}`);
    }
    return { pairs, dropped };
  } finally {
    for (const page of Object.values(pages)) await page.context().close().catch(() => {});
    await server.stop();
    if (process.exitCode) console.error(`webvoxd log (tail):\n${server.logTail()}`);
  }
}

describe('TURN for a browser that cannot reach the media ports', { timeout: 3 * TEST_TIMEOUT }, () => {
  before(async () => {
    // No skip: a missing package fails the test, naming it.
    for (const [command, pkg] of [['turnserver', 'coturn'], ['nft', 'nftables']]) {
      if (spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0) {
        throw new Error(`${command} is missing: install Debian's ${pkg} package (scripts/install-deps.sh --test)`);
      }
    }
    tmp = makeTempDir('webvox-turn-');
    link = await startLink(NETNS, { maxSeconds: Math.ceil((4 * TEST_TIMEOUT) / 1000) });
    near = link.ready.near;
    firewallBen();
    coturn = await startCoturn(tmp);
    const secure = [secureOrigins(...Object.values(PORTS).map((p) => `http://${near}:${p.http}`))];
    browsers.ana = await launchBrowser(makeTone(tmp, people.ana.hz, 60), { args: secure });
    browsers.ben = await launchBrowser(makeTone(tmp, people.ben.hz, 60), { executablePath: farChromium(tmp, NETNS), args: secure });
  });

  after(async () => {
    await Promise.allSettled(Object.values(browsers).map((b) => b.close()));
    await coturn?.stop();
    await link?.kill();
    removeDir(tmp);
  });

  it('peer to peer: the firewalled browser talks through the relay', { timeout: TEST_TIMEOUT }, async () => {
    await scenario({ mode: 'mesh', args: ['--media-mode', 'mesh'], forwarding: 'mesh' });
  });

  it('forwarded by webvoxd: the firewalled browser reaches the media port through the relay', { timeout: TEST_TIMEOUT }, async () => {
    await scenario({ mode: 'sfu', args: SFU_MEDIA_ARGS, forwarding: 'sfu' });
  });
});
