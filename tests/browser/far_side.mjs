// A browser on the far side of a link the test controls: tests/support/impair_router.py makes
// a network namespace of its own joined to the test's by two tun devices (loss and delay as
// asked, none by default), and a Chromium started there with `ip netns exec`. webvoxd listens
// on the near end's address (`router.ready.near`), which the far side reaches through the link.

import path from 'node:path';
import { spawn } from 'node:child_process';
import { writeFileSync, chmodSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { waitFor, CHROMIUM, REPO } from './lib.mjs';

// Starts impair_router.py and resolves once its link is up: {ready (its ready line), netns,
// stop(), kill()}. stop() closes its standard input and resolves with its counters; kill()
// ends it (SIGTERM: it still removes its namespace) and resolves when it has.
// link: {loss, lossModel, delayMs, jitterMs, seed, maxSeconds}.
export async function startLink(netns, link = {}) {
  const args = [path.join(REPO, 'tests', 'support', 'impair_router.py'), '--netns', netns,
    '--loss', String(link.loss ?? 0), '--loss-model', link.lossModel ?? 'bernoulli',
    '--delay-ms', String(link.delayMs ?? 0), '--jitter-ms', String(link.jitterMs ?? 0),
    '--seed', String(link.seed ?? 13), '--max-seconds', String(link.maxSeconds ?? 600)];
  const proc = spawn('python3', args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout });
  const messages = [];
  lines.on('line', (line) => messages.push(JSON.parse(line)));
  let exitCode = null;
  const exited = new Promise((resolve) => proc.once('exit', (code) => { exitCode = code; resolve(code); }));
  const next = (what, label) => waitFor(async () => {
    const m = messages.find(what);
    if (!m && exitCode !== null) throw new Error(`impair_router exited (${exitCode})`);
    return m;
  }, Boolean, { timeout: 15000, interval: 50, what: label });
  const ready = await next((m) => m.ready, 'impair_router to bring its link up');
  return {
    ready,
    netns,
    async stop() {
      proc.stdin.end();
      const stopped = await next((m) => m.stopped, 'impair_router to stop');
      await exited;
      return stopped;
    },
    kill() {
      if (exitCode === null) proc.kill('SIGTERM');
      return exited;
    },
  };
}

// A script that starts Chromium in `netns` (for launchBrowser's executablePath).
export function farChromium(dir, netns) {
  const file = path.join(dir, `chromium-${netns}`);
  writeFileSync(file, `#!/bin/sh\nexec ip netns exec ${netns} ${CHROMIUM} "$@"\n`);
  chmodSync(file, 0o755);
  return file;
}

// Chromium flag: getUserMedia needs a secure context, which a page served over plain HTTP from
// the link's address is not, unless Chromium is told so for that origin. One flag for all the
// origins (Chromium keeps only the last of a repeated switch).
export function secureOrigins(...bases) {
  return `--unsafely-treat-insecure-origin-as-secure=${bases.join(',')}`;
}
