// Chromium pages for tests written in Python (tests/integration/webvox_harness.py, PageDriver):
// one JSON command per line on stdin, one JSON reply per line on stdout. Each page is its own
// Chromium process with its own tone as microphone (lib.mjs), on a webvoxd the caller runs.
//
//   {"cmd": "open", "key": "k", "base": "http://127.0.0.1:PORT", "hz": 440, "account": "…",
//    "password": "…", "channel": "sip:…", "position": {"x": 1, "y": 2, "z": 0, "yaw": 0}}
//        → {"ok": true, "member": "…", "channelInfo": {…}}
//   {"cmd": "open", "key": "k", "base": "…", "hz": 440, "path": "/j/<code>" or "/?token=…"}
//        → the page opens base + path the way a resident's browser opens a link (the client
//          signs in and joins by itself); answers once it is in the channel:
//          {"ok": true, "member", "account", "name", "channel", "channelInfo", "link"}.
//          The client runs with ?processing=off (a raw tone keeps levels exact): added to the
//          path, and to the Location of a /j/ link's redirect, which the browser itself asks
//          for and follows; `link` is that answer as webvoxd gave it: {status, location,
//          cacheControl, referrerPolicy}.
//   {"cmd": "read", "key": "k"}   → {"ok": true, state, slots, audible, heard, remote, rtp, peers}
//   {"cmd": "call", "key": "k", "method": "setPosition", "args": [{…}]}
//        → {"ok": true, "value": …}: window.webvox[method](...args) (awaited)
//   {"cmd": "members", "key": "k"} → {"ok": true, "members": [{…}]}: the member objects of the
//        page's channel exactly as webvoxd sent them (`joined`, then `member-joined` /
//        `member-left`), whatever the client keeps of them
//   {"cmd": "kill", "key": "k"}   → {"ok": true, "pid": N}: SIGKILL to the page's whole browser
//   {"cmd": "quit"}               → closes every browser and exits
// A failed command answers {"ok": false, "error": "…", "log": [page console]}. Run inside the
// caller's loopback-only network namespace.

import { makeTempDir, makeTone, launchKillableBrowser, newClientPage, gotoClient, removeDir, PAGE_TIMEOUT } from './lib.mjs';
import { createInterface } from 'node:readline';

const tmp = makeTempDir('webvox-pages-');
const browsers = {};
const pages = {};

// Before any script of the page: keeps the member messages webvoxd sends on the signalling
// socket (window.__webvoxMembers), so a test sees fields the client does not keep.
function recordMemberMessages() {
  const Native = window.WebSocket;
  const kept = (window.__webvoxMembers = []);
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        let m;
        try { m = JSON.parse(e.data); } catch { return; }
        if (['joined', 'member-joined', 'member-left'].includes(m?.type) && kept.length < 10000) kept.push(m);
      });
    }
  };
}

function withQuery(target, query) {
  const url = new URL(target, 'http://x');
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url.pathname + url.search;
}

async function openPage(key, hz) {
  browsers[key] = await launchKillableBrowser(makeTone(tmp, hz, 60));
  const page = pages[key] = await newClientPage(browsers[key]);
  await page.context().addInitScript(recordMemberMessages);
  return page;
}

// A link as a resident's browser opens it: webvoxd's /j/ redirect is asked for and followed by
// the browser; only ?processing=off is added to where it leads.
async function followLink(page, base, path) {
  let link = null;
  await page.route((url) => url.pathname.startsWith('/j/'), async (route) => {
    const response = await route.fetch({ maxRedirects: 0 });
    const headers = response.headers();
    link = {
      status: response.status(), location: headers.location ?? null,
      cacheControl: headers['cache-control'] ?? null, referrerPolicy: headers['referrer-policy'] ?? null,
    };
    if (headers.location) headers.location = withQuery(headers.location, { processing: 'off' });
    await route.fulfill({ response, headers });
  });
  await page.goto(base + (path.startsWith('/j/') ? path : withQuery(path, { processing: 'off' })));
  await page.waitForFunction(() => window.webvox?.state?.().channel || window.webvox?.state?.().error,
    null, { timeout: PAGE_TIMEOUT });
  const state = await page.evaluate(() => window.webvox.state());
  if (!state.channel) throw new Error(`${path}: the client is in no channel: ${JSON.stringify(state)}`);
  return { link, state };
}

const commands = {
  async open({ key, base, hz, account, password, channel, position, path }) {
    const page = await openPage(key, hz);
    if (path) {
      const { link, state } = await followLink(page, base, path);
      return {
        member: state.self, account: state.account, name: state.name, channel: state.channel,
        channelInfo: state.channelInfo, link,
      };
    }
    await gotoClient(page, { base });
    const joined = await page.evaluate(async ({ account, password, channel }) => {
      await window.webvox.signIn({ account, password });
      return window.webvox.join(channel);
    }, { account, password, channel });
    if (position) await page.evaluate((p) => window.webvox.setPosition(p), position);
    return { member: joined.self.member, channelInfo: joined.channelInfo };
  },

  async read({ key }) {
    return pages[key].evaluate(async () => ({
      state: window.webvox.state(),
      slots: window.webvox.slots(),
      audible: window.webvox.audible(),
      heard: window.webvox.heardLevels(),
      remote: window.webvox.remoteLevels(),
      rtp: await window.webvox.rtpCounters(),
      peers: await window.webvox.peerStats(),
    }));
  },

  async call({ key, method, args = [] }) {
    const value = await pages[key].evaluate(async ({ method, args }) => {
      const fn = window.webvox[method];
      if (typeof fn !== 'function') throw new Error(`window.webvox has no method ${method}`);
      return fn.apply(window.webvox, args);
    }, { method, args });
    return { value: value ?? null };
  },

  async members({ key }) {
    const members = await pages[key].evaluate(() => {
      const out = new Map();
      for (const m of window.__webvoxMembers) {
        if (m.type === 'joined') {
          out.clear();
          for (const o of m.members ?? []) out.set(o.member, o);
        } else if (m.type === 'member-joined' && m.member?.member) {
          out.set(m.member.member, m.member);
        } else if (m.type === 'member-left') {
          out.delete(m.member);
        }
      }
      return [...out.values()];
    });
    return { members };
  },

  async kill({ key }) {
    const pid = browsers[key].kill();
    delete pages[key];
    delete browsers[key];
    return { pid };
  },

  async quit() {
    await Promise.allSettled(Object.values(browsers).map((b) => b.close()));
    removeDir(tmp);
    process.exit(0);
  },
};

const reply = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

// One command at a time, in order: the caller waits for each reply.
let queue = Promise.resolve();
createInterface({ input: process.stdin }).on('line', (line) => {
  queue = queue.then(async () => {
    let command;
    try {
      command = JSON.parse(line);
      reply({ ok: true, ...(await commands[command.cmd](command)) });
    } catch (err) {
      reply({ ok: false, error: String(err?.stack ?? err), log: pages[command?.key]?.webvoxLog ?? [] });
    }
  });
}).on('close', () => { queue.then(() => commands.quit()); });
reply({ ok: true, ready: true });
