// Shared helpers for the browser tests and the first-audio benchmark: tone files, a real
// webvoxd in a temporary data folder, Vivox provisioning, join tokens, Chromium instances with
// a tone as their microphone, and polling waits.
//
// Everything talks to 127.0.0.1 only. Run inside a loopback-only network namespace (run.sh does
// that), so WebRTC cannot pick any other interface.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, createWriteStream, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '..', '..');
export const ADMIN_USER = 'admin';
export const ADMIN_PASSWORD = 'pw';
export const REALM = 'voice.example.org';
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// Scales every deadline, for slow or busy machines (WEBVOX_TIMEOUT_SCALE=2).
export const SCALE = Number(process.env.WEBVOX_TIMEOUT_SCALE || 1);
// Page loads and Playwright actions. Generous: on a loaded 2-core machine a new page in a
// browser that is already in a call can take several seconds just to appear.
export const PAGE_TIMEOUT = 60000 * SCALE;

// webvoxd's options for voice forwarded by the server (docs/signalling.md, "Server-forwarded
// voice"): every test that wants it takes them from here.
export const SFU_MEDIA_ARGS = ['--media-mode', 'always-sfu'];

const READY_LINE = /^webvoxd: listening on (\S+):(\d+) \(HTTPS and HTTP\)\s*$/;

// ── polling ──

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Calls probe() every `interval` ms until check(value) is true; returns that value. On timeout
// throws with the last value seen, which is what one needs to understand a failure.
export async function waitFor(probe, check = Boolean, { timeout = 15000, interval = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  let lastError;
  for (;;) {
    try {
      last = await probe();
      lastError = undefined;
      if (check(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const seen = lastError ? `error: ${lastError.message}` : `last value: ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeout} ms waiting for ${what}; ${seen}`);
    }
    await sleep(interval);
  }
}

// ── files ──

// After a test file: what each page logged, browsers closed, webvoxd stopped (its log shown
// when something failed), the temporary folder removed.
export async function tearDown({ pages, browsers, server, tmp }) {
  for (const [k, page] of Object.entries(pages)) {
    if (page.webvoxLog?.length) console.log(`# ${k}: page console:\n#   ${page.webvoxLog.join('\n#   ')}`);
  }
  await Promise.allSettled(Object.values(browsers).map((b) => b.close()));
  if (server) {
    await server.stop();
    if (process.exitCode) console.error(`webvoxd log (tail):\n${server.logTail()}`);
  }
  removeDir(tmp);
}

export function makeTempDir(prefix = 'webvox-browser-') {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function removeDir(dir) {
  if (dir && !process.env.WEBVOX_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
}

// 48 kHz mono 16-bit sine. Chromium loops the fake-capture file, but a long file keeps the
// loop seam (a click that smears the spectrum for a moment) out of most of a test.
export function makeTone(dir, hz, seconds = 40) {
  const file = path.join(dir, `tone${hz}.wav`);
  const r = spawnSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', file, 'synth', String(seconds), 'sine', String(hz), 'vol', '0.5'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sox failed (${r.status}): ${r.stderr || r.error}`);
  return file;
}

// ── webvoxd ──

export function webvoxdPath() {
  const p = path.resolve(process.env.WEBVOXD || path.join(REPO, 'build', 'webvoxd'));
  if (!existsSync(p)) throw new Error(`webvoxd not found at ${p}: set WEBVOXD or pass it to run.sh`);
  return p;
}

export class Server {
  // args: further webvoxd options, after the ones every test needs (e.g. ['--media-mode', 'always-sfu']).
  // listen: HOST:PORT; port 0 lets the system pick one (a restart then needs a fixed one).
  constructor({ binary = webvoxdPath(), dir = makeTempDir('webvoxd-'), args = [], listen = '127.0.0.1:0' } = {}) {
    this.binary = binary;
    this.dir = dir;
    this.extraArgs = args;
    this.listen = listen;
    this.proc = null;
    this.port = 0;
    this.logFile = path.join(dir, 'webvoxd.log');
  }

  get host() {
    return this.listen.slice(0, this.listen.lastIndexOf(':'));
  }

  get base() {
    return `http://${this.host}:${this.port}`;
  }

  get signalUrl() {
    return `ws://${this.host}:${this.port}/signal`;
  }

  // Starts webvoxd on its data folder; again after kill(), on the same folder (and, with a
  // fixed listen port, the same ports): the log file is appended to.
  async start({ timeout = 20000 } = {}) {
    const args = ['--data-dir', path.join(this.dir, 'data'), '--listen', this.listen,
      '--admin-user', ADMIN_USER, '--admin-password', ADMIN_PASSWORD, '--realm', REALM, ...this.extraArgs];
    this.port = 0;
    this.proc = spawn(this.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(this.logFile, { flags: 'a' });
    this.proc.stderr.pipe(log);
    const lines = createInterface({ input: this.proc.stdout });
    this.exited = new Promise((resolve) => this.proc.once('exit', (code, signal) => resolve({ code, signal })));
    const ready = new Promise((resolve, reject) => {
      lines.on('line', (line) => {
        log.write(`${line}\n`);
        const m = READY_LINE.exec(line);
        if (m && !this.port) {
          this.port = Number(m[2]);
          resolve();
        }
      });
      this.exited.then(({ code, signal }) => reject(new Error(`webvoxd exited early (${code ?? signal}); log: ${this.logFile}`)));
    });
    let timer;
    const timedOut = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`webvoxd did not print its listening line within ${timeout} ms`)), timeout);
    });
    try {
      await Promise.race([ready, timedOut]);
    } finally {
      clearTimeout(timer);
    }
    return this;
  }

  // Ends webvoxd like a crash or a power cut: SIGKILL, no goodbye to anyone. Resolves once it
  // is gone (its sockets closed), with the time that happened (Date.now()).
  async kill() {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) throw new Error('webvoxd is not running');
    this.proc.kill('SIGKILL');
    await this.exited;
    return Date.now();
  }

  async stop() {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGTERM');
    const killer = setTimeout(() => this.proc.kill('SIGKILL'), 10000);
    const { code, signal } = await this.exited;
    clearTimeout(killer);
    if (code !== 0 && signal !== 'SIGTERM') console.error(`webvoxd exited with ${code ?? signal}`);
  }

  logTail(lines = 40) {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  // ── Vivox provisioning (the way OpenSimulator's module does it, over plain HTTP) ──

  async vivox(script, params) {
    const url = `${this.base}/api2/${script}?${new URLSearchParams(params)}`;
    const res = await fetch(url);
    const body = await res.text();
    if (!res.ok) throw new Error(`${script}: HTTP ${res.status}: ${body}`);
    const status = xmlField(body, 'status');
    if (status && status !== 'OK') throw new Error(`${script}: ${body}`);
    return body;
  }

  async adminToken() {
    if (!this._authToken) {
      const body = await this.vivox('viv_signin.php', { userid: ADMIN_USER, pwd: ADMIN_PASSWORD });
      this._authToken = xmlField(body, 'auth_token');
      if (!this._authToken) throw new Error(`no auth_token in ${body}`);
    }
    return this._authToken;
  }

  // Creates the account with a first password and then sets `password` through
  // viv_adm_password.php, as the region module does before handing credentials to a viewer.
  async createAccount(username, password) {
    const auth_token = await this.adminToken();
    await this.vivox('viv_adm_acct_new.php', { username, pwd: `${password}-initial`, auth_token });
    await this.vivox('viv_adm_password.php', { user_name: username, new_pwd: password, auth_token });
    return { account: username, password, initialPassword: `${password}-initial` };
  }

  // properties: further viv_chan_mod.php parameters, as the module sends them
  // (chan_mode, chan_dist_model, chan_max_range, chan_clamping_distance, chan_roll_off).
  async createChannel(name, type = 'positional', properties = {}) {
    const auth_token = await this.adminToken();
    const body = await this.vivox('viv_chan_mod.php', { mode: 'create', chan_name: name, auth_token, chan_type: type, ...properties });
    const uri = xmlField(body, 'chan_uri');
    if (!uri) throw new Error(`no chan_uri in ${body}`);
    return uri;
  }

  // POST /admin/join-tokens → {token, expires, url}; on an error status → {status, error}.
  async joinToken({ account, channel, name, ttl, moderator }) {
    const res = await fetch(`${this.base}/admin/join-tokens`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${ADMIN_USER}:${ADMIN_PASSWORD}`).toString('base64')}`,
      },
      body: JSON.stringify({ account, channel, name, ttl, ...(moderator ? { moderator: true } : {}) }),
    });
    const body = await res.json();
    if (!res.ok) return { status: res.status, ...body };
    return body;
  }
}

export function xmlField(xml, tag) {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return m ? m[1] : null;
}

// ── Chromium ──

export function chromiumArgs(wav) {
  return [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    '--disable-extensions',
    '--disable-dev-shm-usage',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${wav}`,
    '--autoplay-policy=no-user-gesture-required',
    '--allow-loopback-in-peer-connection',
    // Headless tabs must not be throttled: the tests read audio analysers on timers.
    '--disable-background-timer-throttling',
    '--disable-renderer-backgrounding',
    '--disable-backgrounding-occluded-windows',
  ];
}

// One browser process per fake microphone: Chromium reads the capture file once per process.
// executablePath: a wrapper that starts Chromium elsewhere (e.g. `ip netns exec NS chromium`);
// args: further Chromium flags.
export async function launchBrowser(wav, { executablePath = CHROMIUM, args = [] } = {}) {
  return chromium.launch({ executablePath, headless: true, args: [...chromiumArgs(wav), ...args] });
}

// The same, as a browser the test can kill like a crash: its whole process group gets SIGKILL
// (no page unload, no WebSocket close frame, no DTLS close_notify). browser.kill() returns the
// browser's pid.
export async function launchKillableBrowser(wav) {
  const server = await chromium.launchServer({ executablePath: CHROMIUM, headless: true, args: chromiumArgs(wav) });
  const browser = await chromium.connect(server.wsEndpoint());
  const pid = server.process().pid;
  browser.kill = () => {
    // Playwright starts the browser as the leader of its own process group.
    try { process.kill(-pid, 'SIGKILL'); } catch { server.process().kill('SIGKILL'); }
    return pid;
  };
  const close = browser.close.bind(browser);
  browser.close = async () => { await close().catch(() => {}); await server.close().catch(() => {}); };
  return browser;
}

// A fresh context and page on the server's client. Console warnings and errors are kept on
// page.webvoxLog for failure messages.
export async function openClient(browser, server, query = {}) {
  const page = await newClientPage(browser);
  await gotoClient(page, server, query);
  return page;
}

// A fresh context (microphone allowed) and an empty page in it, its console warnings and
// errors kept on page.webvoxLog.
export async function newClientPage(browser) {
  const context = await browser.newContext({ permissions: ['microphone'], reducedMotion: process.env.WEBVOX_MOTION === 'on' ? 'no-preference' : 'reduce' });
  context.setDefaultTimeout(PAGE_TIMEOUT);
  context.setDefaultNavigationTimeout(PAGE_TIMEOUT);
  const page = await context.newPage();
  page.webvoxLog = [];
  page.on('console', (msg) => {
    if (msg.type() === 'warning' || msg.type() === 'error') page.webvoxLog.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => page.webvoxLog.push(`pageerror: ${err.message}`));
  return page;
}

export async function gotoClient(page, server, query = {}) {
  const qs = new URLSearchParams({ processing: 'off', ...query });
  await page.goto(`${server.base}/?${qs}`);
  await page.waitForFunction(() => typeof window.webvox?.state === 'function');
}

export function hzNear(a, b, tolerance = 10) {
  return Math.abs(a - b) <= tolerance;
}

export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}
