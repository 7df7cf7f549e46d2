// Chromium pages for tests written in Python (tests/integration/webvox_harness.py, PageDriver):
// one JSON command per line on stdin, one JSON reply per line on stdout. Each page is its own
// Chromium process with its own tone as microphone (lib.mjs), on a webvoxd the caller runs.
//
//   {"cmd": "open", "key": "k", "base": "http://127.0.0.1:PORT", "hz": 440, "account": "…",
//    "password": "…", "channel": "sip:…", "position": {"x": 1, "y": 2, "z": 0, "yaw": 0}}
//        → {"ok": true, "member": "…", "channelInfo": {…}}
//   {"cmd": "read", "key": "k"}   → {"ok": true, state, slots, audible, heard, remote, rtp, peers}
//   {"cmd": "kill", "key": "k"}   → {"ok": true, "pid": N}: SIGKILL to the page's whole browser
//   {"cmd": "quit"}               → closes every browser and exits
// A failed command answers {"ok": false, "error": "…", "log": [page console]}. Run inside the
// caller's loopback-only network namespace.

import { createInterface } from 'node:readline';
import { makeTempDir, makeTone, launchKillableBrowser, openClient, removeDir } from './lib.mjs';

const tmp = makeTempDir('webvox-pages-');
const browsers = {};
const pages = {};

const commands = {
  async open({ key, base, hz, account, password, channel, position }) {
    browsers[key] = await launchKillableBrowser(makeTone(tmp, hz, 60));
    const page = pages[key] = await openClient(browsers[key], { base });
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
