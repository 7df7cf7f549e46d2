// Drives emulated viewers (page/viewer.mjs): one headless Chromium process per viewer, its
// microphone a tone file (Chromium reads one fake-capture file per process), the page served
// from a small static server on 127.0.0.1. Run inside a loopback-only network namespace.
//
// As a module:
//   const host = await ViewerHost.start();           // static server + temp folder
//   const v = await host.open({ key: 'a', hz: 440, agentId, processing: 'off' });
//   const { offer } = await v.call('init', { agentId, primary: true });
//   await v.call('applyAnswer', answerSdp);  v.call('takeIceUpdate');  v.call('measure', {...})
//   await host.close();
//
// As a process (for Python: tests/viewer-emulator/viewer_bridge.py), one JSON command per
// line on stdin, one JSON reply per line on stdout, matched by the command's "id":
//   {"cmd":"open","key":"a","hz":440}                 → {"ok":true}
//   {"cmd":"call","key":"a","method":"init","args":[{…}]} → {"ok":true,"value":…}
//   {"cmd":"reload","key":"a"}                        → a fresh page (new connection), same microphone
//   {"cmd":"kill","key":"a"}                          → SIGKILL to that viewer's whole browser
//   {"cmd":"close","key":"a"}  {"cmd":"quit"}
// A failed command answers {"ok":false,"error":"…","log":[page console + viewer log]}.

import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { launchKillableBrowser, makeTempDir, makeTone, removeDir, PAGE_TIMEOUT } from '../browser/lib.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PAGE_DIR = path.join(HERE, 'page');
const TYPES = { '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8' };

function serve(dir) {
  const server = createServer(async (req, res) => {
    const name = path.basename(new URL(req.url, 'http://x').pathname) || 'index.html';
    const type = TYPES[path.extname(name)];
    if (!type) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(path.join(dir, name));
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export class EmulatedViewerPage {
  constructor(key, browser, page) {
    this.key = key;
    this.browser = browser;
    this.page = page;
    this.console = [];
    page.on('console', (msg) => this.console.push(`${msg.type()}: ${msg.text()}`));
    page.on('pageerror', (err) => this.console.push(`pageerror: ${err.message}`));
  }

  // Calls window.viewer[method](...args) in the page and returns its (JSON) value.
  call(method, ...args) {
    return this.page.evaluate(({ method, args }) => {
      const fn = window.viewer[method];
      if (typeof fn !== 'function') throw new Error(`viewer has no method ${method}`);
      return fn.apply(window.viewer, args);
    }, { method, args });
  }

  async log() {
    const viewerLog = await this.page.evaluate(() => window.viewer.log).catch(() => []);
    return [...this.console, ...viewerLog];
  }
}

export class ViewerHost {
  static async start() {
    const host = new ViewerHost();
    host.tmp = makeTempDir('webvox-viewers-');
    host.server = await serve(PAGE_DIR);
    host.base = `http://127.0.0.1:${host.server.address().port}`;
    host.viewers = new Map();
    return host;
  }

  async open({ key, hz, seconds = 90 }) {
    if (this.viewers.has(key)) throw new Error(`viewer ${key} is already open`);
    const browser = await launchKillableBrowser(makeTone(this.tmp, hz, seconds));
    const context = await browser.newContext({ permissions: ['microphone'] });
    context.setDefaultTimeout(PAGE_TIMEOUT);
    const page = await context.newPage();
    const viewer = new EmulatedViewerPage(key, browser, page);
    this.viewers.set(key, viewer);
    await page.goto(`${this.base}/index.html`);
    await page.waitForFunction(() => window.viewerReady === true);
    return viewer;
  }

  get(key) {
    const v = this.viewers.get(key);
    if (!v) throw new Error(`no viewer ${key}`);
    return v;
  }

  // A fresh page in the same browser (same microphone): a new viewer connection.
  async reload(key) {
    const v = this.get(key);
    await v.page.reload();
    await v.page.waitForFunction(() => window.viewerReady === true);
  }

  kill(key) {
    const pid = this.get(key).browser.kill();
    this.viewers.delete(key);
    return pid;
  }

  async closeViewer(key) {
    const v = this.get(key);
    this.viewers.delete(key);
    await v.browser.close();
  }

  async close() {
    await Promise.allSettled([...this.viewers.values()].map((v) => v.browser.close()));
    this.viewers.clear();
    await new Promise((resolve) => this.server.close(resolve));
    removeDir(this.tmp);
  }
}

async function bridge() {
  const host = await ViewerHost.start();
  const reply = (m) => process.stdout.write(`${JSON.stringify(m)}\n`);
  const commands = {
    open: async ({ key, hz, seconds }) => { await host.open({ key, hz, seconds }); return {}; },
    call: async ({ key, method, args = [] }) => ({ value: await host.get(key).call(method, ...args) }),
    log: async ({ key }) => ({ value: await host.get(key).log() }),
    reload: async ({ key }) => { await host.reload(key); return {}; },
    kill: async ({ key }) => ({ pid: host.kill(key) }),
    close: async ({ key }) => { await host.closeViewer(key); return {}; },
    quit: async () => { await host.close(); process.exit(0); },
  };
  reply({ ok: true, ready: true });
  // Commands run concurrently (a measurement on one viewer does not hold up the others); each
  // reply carries the command's "id".
  const lines = createInterface({ input: process.stdin });
  const pending = new Set();
  lines.on('line', (line) => {
    const job = (async () => {
      let message;
      try {
        message = JSON.parse(line);
        const fn = commands[message.cmd];
        if (!fn) throw new Error(`unknown command ${message.cmd}`);
        reply({ id: message.id, ok: true, ...(await fn(message)) });
      } catch (err) {
        let log = [];
        try { if (message?.key && host.viewers.has(message.key)) log = await host.get(message.key).log(); } catch { /* gone */ }
        reply({ id: message?.id, ok: false, error: String(err?.stack || err), log });
      }
    })();
    pending.add(job);
    job.finally(() => pending.delete(job));
  });
  lines.on('close', () => { Promise.allSettled([...pending]).then(() => host.close()).then(() => process.exit(0)); });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  bridge().catch((err) => {
    process.stdout.write(`${JSON.stringify({ ok: false, error: String(err?.stack || err) })}\n`);
    process.exit(1);
  });
}
