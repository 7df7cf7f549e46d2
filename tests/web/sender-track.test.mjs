// SenderTrack: overlapping sender updates end with the latest wanted track on every sender.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SenderTrack } from '../../web/sender-track.js';

// Like RTCRtpSender: `track` changes only when replaceTrack resolves, after a delay we choose.
class FakeSender {
  constructor(track, delays) {
    this.track = track;
    this.delays = delays; // ms for each successive replaceTrack
    this.calls = 0;
  }
  replaceTrack(track) {
    const delay = this.delays[Math.min(this.calls++, this.delays.length - 1)];
    return new Promise((resolve) => setTimeout(() => { this.track = track; resolve(); }, delay));
  }
}

test('a slow "stop" overtaken by a quick "resume" still ends sending', async () => {
  const mic = { id: 'mic' };
  let wanted = null; // nobody hears us…
  const sender = new FakeSender(mic, [30, 1]); // …and that replace is slow
  const sync = new SenderTrack(() => wanted);
  const stop = sync.sync(() => [sender]);
  wanted = mic; // back in range before the stop has landed
  const resume = sync.sync(() => [sender]);
  await Promise.all([stop, resume]);
  assert.equal(sender.track, mic);
});

test('each update reads the wish at its turn, so stale intermediate wishes are skipped', async () => {
  const mic = { id: 'mic' };
  const other = { id: 'other-mic' };
  let wanted = null;
  const senders = [new FakeSender(mic, [20]), new FakeSender(mic, [5])];
  const sync = new SenderTrack(() => wanted);
  const pending = [sync.sync(() => senders)];
  wanted = other;
  pending.push(sync.sync(() => senders));
  wanted = mic;
  pending.push(sync.sync(() => senders));
  await Promise.all(pending);
  for (const s of senders) assert.equal(s.track, mic);
});

test('a failed update does not block later ones', async () => {
  const mic = { id: 'mic' };
  let wanted = mic;
  const broken = { track: null, replaceTrack: () => Promise.reject(new Error('closed')) };
  const sender = new FakeSender(null, [1]);
  const sync = new SenderTrack(() => wanted);
  await assert.rejects(sync.sync(() => [broken]), /closed/);
  await sync.sync(() => [sender]);
  assert.equal(sender.track, mic);
});
