// web/ice-restart.js: when a lost WebRTC connection is restarted, the one policy of the mesh's
// peers and of the connection to the server. Timers are pumped by hand.

import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { IceRestartPolicy, GRACE_MS, BACKOFF_MS, WATCHDOG_MS } from '../../web/ice-restart.js';

// setTimeout / clearTimeout on a clock that moves only when told.
class FakeTimers {
  constructor() {
    this.now = 0;
    this.nextId = 1;
    this.pending = new Map(); // id → {at, fn}
  }
  set(fn, ms) {
    const id = this.nextId++;
    this.pending.set(id, { at: this.now + ms, fn });
    return id;
  }
  clear(id) {
    this.pending.delete(id);
  }
  advance(ms) {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.pending].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = until;
  }
}

let timers;
let state;
let restarts;
let policy;

beforeEach(() => {
  timers = new FakeTimers();
  state = 'connected';
  restarts = [];
  policy = new IceRestartPolicy({
    restart: (reason, attempt) => restarts.push({ reason, attempt, at: timers.now }),
    state: () => state,
    timers,
  });
});

function set(s) {
  state = s;
  policy.onState(s);
}

describe('IceRestartPolicy', () => {
  it('gives a disconnected connection GRACE_MS to heal by itself', () => {
    set('disconnected');
    timers.advance(GRACE_MS - 1);
    assert.deepEqual(restarts, []);
    set('connected');
    timers.advance(GRACE_MS * 2);
    assert.deepEqual(restarts, []);
  });

  it('restarts one still disconnected after GRACE_MS', () => {
    set('disconnected');
    timers.advance(GRACE_MS);
    assert.deepEqual(restarts, [{ reason: 'disconnected', attempt: 1, at: GRACE_MS }]);
  });

  it('does not restart when the grace ends in another state (failed has its own path)', () => {
    set('disconnected');
    state = 'connecting'; // changed without an event reaching us yet
    timers.advance(GRACE_MS);
    assert.deepEqual(restarts, []);
  });

  it('restarts a failed connection at once, then backs off while it keeps failing', () => {
    set('failed');
    timers.advance(0);
    assert.deepEqual(restarts.map((r) => r.attempt), [1]);
    // Each restart fails again: the next waits the next step of the backoff.
    const times = [0];
    for (let i = 1; i < BACKOFF_MS.length + 2; i++) {
      set('failed');
      const wait = BACKOFF_MS[Math.min(i, BACKOFF_MS.length - 1)];
      timers.advance(wait - 1);
      assert.equal(restarts.length, i, `attempt ${i + 1} not before ${wait} ms`);
      timers.advance(1);
      assert.equal(restarts.length, i + 1, `attempt ${i + 1} after ${wait} ms`);
      times.push(restarts.at(-1).at);
    }
    assert.deepEqual(restarts.map((r) => r.reason), restarts.map(() => 'failed'));
    assert.deepEqual(restarts.map((r) => r.attempt), restarts.map((_, i) => i + 1));
  });

  it('connected resets the backoff', () => {
    set('failed');
    timers.advance(0);
    set('failed');
    timers.advance(BACKOFF_MS[1]);
    assert.equal(policy.attempts, 2);
    set('connected');
    assert.equal(policy.attempts, 0);
    set('failed');
    timers.advance(0);
    assert.equal(restarts.at(-1).attempt, 1, 'back to the first step');
  });

  it('drops a waiting retry when the connection heals meanwhile', () => {
    set('failed');
    timers.advance(0);
    set('failed'); // waits BACKOFF_MS[1]
    state = 'connecting'; // the other side restarted, say
    timers.advance(BACKOFF_MS[1]);
    assert.equal(restarts.length, 1);
  });

  it('retries a restart that stays failed without a word (the watchdog)', () => {
    set('failed');
    timers.advance(0);
    assert.equal(restarts.length, 1);
    // The restart changes nothing: no new state event, still failed.
    timers.advance(WATCHDOG_MS - 1);
    assert.equal(restarts.length, 1);
    timers.advance(1 + BACKOFF_MS[1]);
    assert.equal(restarts.length, 2);
  });

  it('the watchdog leaves a restart alone that is still connecting', () => {
    set('failed');
    timers.advance(0);
    state = 'connecting';
    timers.advance(WATCHDOG_MS * 3);
    assert.equal(restarts.length, 1);
  });

  it('after a failed negotiation, retries unless connected', () => {
    state = 'new';
    policy.retry({ after: 'error' });
    timers.advance(0);
    assert.deepEqual(restarts, [{ reason: 'error', attempt: 1, at: 0 }]);
    policy.retry({ after: 'error' });
    state = 'connected';
    timers.advance(BACKOFF_MS[1]);
    assert.equal(restarts.length, 1);
  });

  it('one retry waits at a time', () => {
    set('failed');
    policy.retry();
    policy.retry({ after: 'error' });
    timers.advance(0);
    assert.equal(restarts.length, 1);
  });

  it('restartNow skips the wait and counts', () => {
    set('failed');
    timers.advance(0);
    set('failed'); // a retry waits BACKOFF_MS[1]
    policy.restartNow('network-change');
    assert.deepEqual(restarts.at(-1), { reason: 'network-change', attempt: 2, at: 0 });
    timers.advance(BACKOFF_MS[1]);
    assert.equal(restarts.length, 2, 'the waiting retry was dropped');
  });

  it('does nothing once closed', () => {
    set('disconnected');
    policy.close();
    timers.advance(GRACE_MS);
    set('failed');
    timers.advance(60000);
    policy.restartNow('online');
    assert.deepEqual(restarts, []);
    assert.equal(timers.pending.size, 0);
  });
});
