// End-to-end voice through real browsers: three headless Chromium processes, each with a
// different sine tone as its fake microphone, sign in to a real webvoxd and join one channel;
// every page must hear the other two tones, each from the right member, and never its own.
// Further tests: a wrong password is refused, a join token for one channel cannot join another,
// a scripted aiortc peer joins the same channel, a reloaded page rejoins, and a page that
// leaves disappears from the others' participant lists.
//
// Run through run.sh (loopback-only network namespace):   bash tests/browser/run.sh [webvoxd]
// Every wait polls a condition with a deadline; nothing synchronises on a fixed sleep.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  REPO, Server, makeTempDir, makeTone, launchBrowser, openClient,
  waitFor, hzNear, SCALE, tearDown,
} from './lib.mjs';

const AUDIO_TIMEOUT = 45000 * SCALE; // sign-in to tone audible, per page
const UI_TIMEOUT = 30000 * SCALE;
const TEST_TIMEOUT = 120000 * SCALE;

// "Clearly above noise": the tones are sent at −6 dBFS peak (−9 dBFS RMS) and arrive at about
// −20 dB in the analyser's peak bin and −9 dBFS RMS; no audio reads −200 dB.
const MIN_PEAK_DB = -60;
const MIN_LEVEL_DB = -50;
const PYTHON = process.env.WEBVOX_PYTHON || '/usr/bin/python3';
const AIORTC_PEER = path.join(REPO, 'tests', 'peers', 'aiortc_peer.py');

const people = {
  alice: { account: 'xAliceBrowser', password: 'alice-pw-2', name: 'Alice', hz: 440 },
  bob: { account: 'xBobBrowser', password: 'bob-pw-2', name: 'Bob', hz: 660 },
  carol: { account: 'xCarolBrowser', password: 'carol-pw-2', name: 'Carol', hz: 880 },
  dave: { account: 'xDaveAiortc', password: 'dave-pw-2', name: 'Dave', hz: 550 }, // aiortc peer
};

let tmp;
let server;
let channelA;
let channelB;
const browsers = {};
const pages = {};

// ── page read-outs ──

const levels = (page) => page.evaluate(() => window.webvox.remoteLevels());
const state = (page) => page.evaluate(() => window.webvox.state());

// The participant rows as the DOM shows them (what a person sees), not app state.
const rows = (page) =>
  page.$$eval('[data-testid="participant-list"] [data-testid="participant"]', (lis) =>
    lis.map((li) => ({
      member: li.dataset.member,
      account: li.dataset.account,
      self: li.dataset.self === 'true',
      connectionState: li.dataset.connectionState ?? '',
    })));

const banner = (page) =>
  page.$eval('[data-testid="error-banner"]', (el) => ({ hidden: el.hidden, code: el.dataset.code, text: el.textContent.replace(/\s+/g, ' ').trim() }));

// Uncaught exceptions in the client fail the test; console warnings are only printed.
function assertNoPageErrors() {
  for (const [k, page] of Object.entries(pages)) {
    const errors = (page.webvoxLog ?? []).filter((l) => l.startsWith('pageerror'));
    assert.deepEqual(errors, [], `${k}: uncaught errors in the page`);
  }
}

function withLog(page, err) {
  const log = page.webvoxLog?.slice(-15).join('\n  ');
  if (log) err.message += `\n  page console (${page.webvoxName}):\n  ${log}`;
  return err;
}

// Waits until `page` hears exactly the `others` (each with its tone, from its own account)
// and nothing at its own frequency. Returns the levels it read.
async function expectHears(page, others, ownHz) {
  const ok = (ls) =>
    ls.length === others.length &&
    others.every((o) => ls.some((l) => l.account === o.account && hzNear(l.peakHz, o.hz) && l.peakDb > MIN_PEAK_DB && l.levelDb > MIN_LEVEL_DB)) &&
    !ls.some((l) => hzNear(l.peakHz, ownHz));
  try {
    return await waitFor(() => levels(page), ok, {
      timeout: AUDIO_TIMEOUT,
      interval: 200,
      what: `${page.webvoxName} to hear ${others.map((o) => `${o.account}@${o.hz}Hz`).join(', ')} and not itself (${ownHz} Hz)`,
    });
  } catch (err) {
    const detail = await page.evaluate(async () => ({
      state: window.webvox.state(),
      peers: await window.webvox.peerStats(),
    })).catch((e) => `(no state: ${e.message})`);
    err.message += `\n  ${page.webvoxName} state: ${JSON.stringify(detail)}`;
    throw withLog(page, err);
  }
}

async function expectRows(page, accounts, what) {
  const want = [...accounts].sort();
  try {
    return await waitFor(() => rows(page), (rs) => JSON.stringify(rs.map((r) => r.account).sort()) === JSON.stringify(want), {
      timeout: UI_TIMEOUT,
      what: `${page.webvoxName}'s participant rows to be ${want.join(', ')} (${what})`,
    });
  } catch (err) {
    throw withLog(page, err);
  }
}

async function signInWithForm(page, p) {
  await page.getByTestId('signin-account').fill(p.account);
  await page.getByTestId('signin-password').fill(p.password);
  await page.getByTestId('signin-name').fill(p.name);
  await page.getByTestId('signin-submit').click();
}

async function joinWithForm(page, uri) {
  await page.getByTestId('channel-input').fill(uri);
  await page.getByTestId('join-button').click();
}

// ── the suite ──

describe('voice in real browsers', { timeout: 10 * TEST_TIMEOUT }, () => {
  before(async () => {
    tmp = makeTempDir();
    const wavs = Object.fromEntries(['alice', 'bob', 'carol'].map((k) => [k, makeTone(tmp, people[k].hz, 40)]));
    // Peer to peer throughout: the aiortc peer speaks only the mesh.
    server = await new Server({ dir: tmp, args: ['--media-mode', 'mesh'] }).start();
    for (const p of Object.values(people)) await server.createAccount(p.account, p.password);
    channelA = await server.createChannel('browser-test-a');
    channelB = await server.createChannel('browser-test-b');
    assert.notEqual(channelA, channelB);
    // Three browser processes, started in parallel: one fake microphone each.
    await Promise.all(['alice', 'bob', 'carol'].map(async (k) => {
      browsers[k] = await launchBrowser(wavs[k]);
    }));
  });

  after(() => tearDown({ pages, browsers, server, tmp }));

  it('three browsers each hear the two others\' tones and not their own', { timeout: TEST_TIMEOUT }, async () => {
    const { alice, bob, carol } = people;

    // Alice the way a person does it: the sign-in form, then the channel form.
    pages.alice = await openClient(browsers.alice, server);
    pages.alice.webvoxName = 'alice';
    await signInWithForm(pages.alice, alice);
    await pages.alice.getByTestId('channel-input').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    assert.equal(await pages.alice.getByTestId('whoami').textContent(), alice.name);
    await joinWithForm(pages.alice, channelA);
    await pages.alice.getByTestId('leave-button').waitFor({ state: 'visible', timeout: UI_TIMEOUT });

    // Bob through window.webvox.
    pages.bob = await openClient(browsers.bob, server);
    pages.bob.webvoxName = 'bob';
    const joined = await pages.bob.evaluate(async ({ p, uri }) => {
      await window.webvox.signIn({ account: p.account, password: p.password, name: p.name });
      return window.webvox.join(uri);
    }, { p: bob, uri: channelA });
    assert.equal(joined.channel, channelA);
    assert.deepEqual(joined.members.map((m) => m.account), [alice.account]);

    // Carol with a join link: the page signs in with the token and joins by itself.
    const link = await server.joinToken({ account: carol.account, channel: channelA, name: carol.name, ttl: 600 });
    assert.ok(link.token, `join token: ${JSON.stringify(link)}`);
    assert.match(link.url, /^\/\?token=/);
    carol.token = link.token;
    pages.carol = await openClient(browsers.carol, server, { token: link.token });
    pages.carol.webvoxName = 'carol';

    await Promise.all([
      expectHears(pages.alice, [bob, carol], alice.hz),
      expectHears(pages.bob, [alice, carol], bob.hz),
      expectHears(pages.carol, [alice, bob], carol.hz),
    ]);

    // What a person sees: three rows, the own one marked, every peer connected.
    for (const k of ['alice', 'bob', 'carol']) {
      const page = pages[k];
      const rs = await expectRows(page, [alice.account, bob.account, carol.account], 'all three in');
      assert.equal(rs.filter((r) => r.self).map((r) => r.account).join(), people[k].account);
      await waitFor(() => rows(page), (r) => r.filter((x) => !x.self).every((x) => x.connectionState === 'connected'), { timeout: UI_TIMEOUT, what: `${k}'s peers connected` });
      assert.equal(await page.getByTestId('member-count').textContent(), '3 people');
      const st = await state(page);
      assert.equal(st.channel, channelA);
      assert.equal(st.error, null, `${k} shows an error banner`);
    }
    // Each page's own microphone is its own tone (so "not its own" above means something).
    for (const k of ['alice', 'bob', 'carol']) {
      const own = await pages[k].evaluate(() => window.webvox.localLevel());
      assert.ok(hzNear(own.peakHz, people[k].hz) && own.peakDb > MIN_PEAK_DB, `${k}'s own mic: ${JSON.stringify(own)}`);
    }
    // RTP really flows both ways with Opus on every connection.
    for (const k of ['alice', 'bob', 'carol']) {
      const stats = await pages[k].evaluate(() => window.webvox.peerStats());
      assert.equal(stats.length, 2);
      for (const s of stats) {
        assert.equal(s.connectionState, 'connected');
        assert.ok(s.packetsReceived > 0 && s.packetsSent > 0, `${k} ↔ ${s.account}: ${JSON.stringify(s)}`);
        assert.match(s.codec ?? '', /opus/i);
      }
    }
    assertNoPageErrors();
  });

  it('a wrong password is refused and the form says so', { timeout: TEST_TIMEOUT }, async () => {
    const { alice } = people;
    const page = await openClient(browsers.alice, server);
    page.webvoxName = 'alice-wrong-password';
    try {
      // The password acct_new set is stale: viv_adm_password replaced it.
      for (const password of [`${alice.password}-initial`, 'not-the-password']) {
        await signInWithForm(page, { ...alice, password });
        const b = await waitFor(() => banner(page), (x) => !x.hidden && x.code === 'auth_failed', { timeout: UI_TIMEOUT, what: 'the auth_failed banner' });
        assert.match(b.text, /wrong account name or password/i);
        assert.ok(await page.getByTestId('signin-form').isVisible(), 'the sign-in form stays on screen');
        const st = await state(page);
        assert.equal(st.signalling, 'closed');
        assert.equal(st.channel, null);
        await page.getByTestId('error-dismiss').click();
      }
      // An unknown account reads the same (no hint which part was wrong).
      await signInWithForm(page, { ...alice, account: 'xNobodyHere' });
      await waitFor(() => banner(page), (x) => !x.hidden && x.code === 'auth_failed', { timeout: UI_TIMEOUT, what: 'auth_failed for an unknown account' });
      // The API rejects with the server's code too.
      const code = await page.evaluate((p) => window.webvox.signIn({ account: p.account, password: 'nope' }).then(() => 'resolved', (e) => e.code), alice);
      assert.equal(code, 'auth_failed');
    } finally {
      await page.context().close();
    }
    // Alice's real session in the channel is untouched by the failed attempts.
    const st = await state(pages.alice);
    assert.equal(st.signalling, 'signed-in');
    assert.equal(st.channel, channelA);
  });

  it('a join token for channel A cannot join channel B', { timeout: TEST_TIMEOUT }, async () => {
    const { alice, bob, carol } = people;

    // The admin API refuses bad credentials and unknown channels.
    const res = await fetch(`${server.base}/admin/join-tokens`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('admin:wrong').toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ account: carol.account, channel: channelA }),
    });
    assert.equal(res.status, 401);
    const missing = await server.joinToken({ account: carol.account, channel: 'sip:confctl-999999@voice.example.org' });
    assert.equal(missing.status, 404);

    // A fresh page signed in with Carol's channel-A link, asked to join B.
    const page = await openClient(browsers.carol, server);
    page.webvoxName = 'carol-token-b';
    try {
      const welcome = await page.evaluate((token) => window.webvox.signIn({ token }), carol.token);
      assert.equal(welcome.channel, channelA);
      assert.equal(welcome.account, carol.account);
      const code = await page.evaluate((uri) => window.webvox.join(uri).then(() => 'joined', (e) => e.code), channelB);
      assert.equal(code, 'forbidden');
      const b = await waitFor(() => banner(page), (x) => !x.hidden && x.code === 'forbidden', { timeout: UI_TIMEOUT, what: 'the forbidden banner' });
      assert.match(b.text, /different channel/i);
      assert.equal((await state(page)).channel, null);
      // The channel field is locked to the link's channel.
      assert.equal(await page.getByTestId('channel-input').inputValue(), channelA);
      assert.ok(await page.getByTestId('channel-input').evaluate((el) => el.readOnly));
    } finally {
      await page.context().close();
    }

    // Carol in the channel, trying to switch to B: refused, and she stays in A and still hears.
    const code = await pages.carol.evaluate((uri) => window.webvox.join(uri).then(() => 'joined', (e) => e.code), channelB);
    assert.equal(code, 'forbidden');
    await waitFor(() => banner(pages.carol), (x) => !x.hidden && x.code === 'forbidden', { timeout: UI_TIMEOUT, what: 'carol: the forbidden banner' });
    assert.equal((await state(pages.carol)).channel, channelA);
    await pages.carol.getByTestId('error-dismiss').click();
    await expectHears(pages.carol, [alice, bob], carol.hz);
    await expectRows(pages.alice, [alice.account, bob.account, carol.account], 'carol stays after the refused switch');

    // Then her connection drops (closed under the client, as a network hiccup would): the page
    // reconnects by itself and rejoins A, the channel she is in, not B and not the lobby.
    const oldSelf = (await state(pages.carol)).self;
    await pages.carol.evaluate(() => window.webvox._internals.sig._ws.close());
    await waitFor(() => state(pages.carol), (s) => s.signalling === 'signed-in' && s.channel === channelA && s.self !== oldSelf,
      { timeout: UI_TIMEOUT, what: 'carol to reconnect and rejoin channel A' });
    await Promise.all([
      expectHears(pages.carol, [alice, bob], carol.hz),
      expectHears(pages.alice, [bob, carol], alice.hz),
    ]);
    await expectRows(pages.bob, [alice.account, bob.account, carol.account], 'carol back after reconnecting');
  });

  it('an aiortc peer joins channel A, hears the browsers and is heard', { timeout: TEST_TIMEOUT }, async () => {
    // Part of the repository: missing, this case must fail rather than pass having run nothing.
    assert.ok(existsSync(AIORTC_PEER), `${path.relative(REPO, AIORTC_PEER)} is missing`);
    const { alice, bob, carol, dave } = people;
    const seconds = Math.round(25 * SCALE);
    const report = path.join(tmp, 'aiortc-report.json');
    const proc = spawn(PYTHON, [AIORTC_PEER, '--url', server.signalUrl, '--account', dave.account, '--password', dave.password,
      '--channel', channelA, '--tone', String(dave.hz), '--seconds', String(seconds), '--report', report], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.on('data', (d) => { output += d; });
    proc.stderr.on('data', (d) => { output += d; });
    const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal)));
    try {
      // Every browser hears the peer's tone from the peer's account, next to the other two.
      await Promise.all([
        expectHears(pages.alice, [bob, carol, dave], alice.hz),
        expectHears(pages.bob, [alice, carol, dave], bob.hz),
        expectHears(pages.carol, [alice, bob, dave], carol.hz),
      ]);
      const rc = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('timeout'), (seconds + 30) * 1000))]);
      assert.equal(rc, 0, `aiortc peer exited with ${rc}:\n${output}`);
      // Its report: {self, channel, remote: {member: {account, dominant_hz, level_dbfs,
      // received_seconds, connection_state, …}}, errors}.
      const text = readFileSync(report, 'utf8');
      const heard = Object.values(JSON.parse(text).remote ?? {}).filter((r) => !r.left);
      for (const p of [alice, bob, carol]) {
        const r = heard.find((x) => x.account === p.account);
        assert.ok(r, `aiortc peer has no entry for ${p.account}: ${text}`);
        assert.ok(hzNear(r.dominant_hz ?? 0, p.hz) && r.level_dbfs > MIN_LEVEL_DB && r.received_seconds > 1,
          `aiortc peer did not hear ${p.account} at ${p.hz} Hz: ${JSON.stringify(r)}`);
      }
      assert.equal(heard.length, 3, `aiortc peer heard ${heard.length} members: ${text}`);
      assert.ok(!heard.some((r) => hzNear(r.dominant_hz ?? 0, dave.hz)), `aiortc peer hears its own tone: ${text}`);
    } finally {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    }
    // Its socket is gone, so it leaves everyone's list.
    for (const k of ['alice', 'bob', 'carol']) {
      await expectRows(pages[k], [alice.account, bob.account, carol.account], 'after the aiortc peer quit');
    }
  });

  it('a reloaded page rejoins and audio flows again', { timeout: TEST_TIMEOUT }, async () => {
    const { alice, bob, carol } = people;
    const before = (await state(pages.carol)).self;
    await pages.carol.reload();
    await pages.carol.waitForFunction(() => typeof window.webvox?.state === 'function');
    // The link in the URL signs in and joins again by itself, with a new member id.
    const after = await waitFor(() => state(pages.carol), (s) => s.channel === channelA && s.self && s.self !== before, { timeout: UI_TIMEOUT, what: 'carol back in channel A' });
    await Promise.all([
      expectHears(pages.carol, [alice, bob], carol.hz),
      expectHears(pages.alice, [bob, carol], alice.hz),
      expectHears(pages.bob, [alice, carol], bob.hz),
    ]);
    // The old connection's row is gone everywhere; the new one is there once.
    for (const k of ['alice', 'bob']) {
      const rs = await expectRows(pages[k], [alice.account, bob.account, carol.account], 'after carol reloaded');
      assert.ok(rs.some((r) => r.member === after.self), `${k} has no row for carol's new member id`);
      assert.ok(!rs.some((r) => r.member === before), `${k} still shows carol's old member id`);
    }
  });

  it('a page that leaves disappears from the others\' lists, and can come back', { timeout: TEST_TIMEOUT }, async () => {
    const { alice, bob, carol } = people;
    const bobMember = (await state(pages.bob)).self;
    await pages.bob.getByTestId('leave-button').click();
    // Bob is back in the lobby, with nobody listed and no microphone held.
    await pages.bob.getByTestId('join-button').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    assert.equal(await pages.bob.locator('[data-testid="participant"]').count(), 0);
    const st = await waitFor(() => state(pages.bob), (s) => s.channel === null && s.mic === null, { timeout: UI_TIMEOUT, what: 'bob out of the channel, mic released' });
    assert.equal(st.signalling, 'signed-in');
    // The others' rows for Bob go away, their headers say two people, and Bob's tone stops.
    for (const k of ['alice', 'carol']) {
      await pages[k].locator(`[data-testid="participant"][data-member="${bobMember}"]`).waitFor({ state: 'detached', timeout: UI_TIMEOUT });
      await expectRows(pages[k], [alice.account, carol.account], 'after bob left');
      assert.equal(await pages[k].getByTestId('member-count').textContent(), '2 people');
      // The polite live region says it for a screen reader.
      await waitFor(() => pages[k].getByTestId('announcer').textContent(), (t) => /\bBob left\b/.test(t),
        { timeout: UI_TIMEOUT, what: `${k}'s live region to announce that bob left` });
    }
    await expectHears(pages.alice, [carol], alice.hz);
    await expectHears(pages.carol, [alice], carol.hz);

    // Joining again through the form brings Bob's audio back for everyone.
    await joinWithForm(pages.bob, channelA);
    await waitFor(() => pages.alice.getByTestId('announcer').textContent(), (t) => /\bBob joined\b/.test(t),
      { timeout: UI_TIMEOUT, what: 'alice\'s live region to announce that bob joined' });
    await Promise.all([
      expectHears(pages.bob, [alice, carol], bob.hz),
      expectHears(pages.alice, [bob, carol], alice.hz),
      expectHears(pages.carol, [alice, bob], carol.hz),
    ]);
    assertNoPageErrors();
  });
});
