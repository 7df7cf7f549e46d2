// web/errors.js (the one error type) and web/banners.js (what a banner says and offers for the
// session's news and for a refused join).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WebvoxError, isRetryable } from '../../web/errors.js';
import { sessionBanner, joinErrorBanner } from '../../web/banners.js';

describe('WebvoxError', () => {
  it('carries code, message and whether a retry may help', () => {
    const e = new WebvoxError('timeout', 'no answer to join');
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'WebvoxError');
    assert.equal(e.code, 'timeout');
    assert.equal(e.message, 'no answer to join');
    assert.equal(e.retryable, true);
    assert.equal(new WebvoxError('not_found').message, 'not_found');
    for (const code of ['not_found', 'forbidden', 'auth_failed', 'bad_offer', 'mic_denied', 'cancelled', 'form']) {
      assert.equal(new WebvoxError(code).retryable, false, code);
    }
    for (const code of ['timeout', 'internal', 'rate_limited', 'busy', 'disconnected', 'channel_full']) {
      assert.equal(new WebvoxError(code).retryable, true, code);
    }
    assert.equal(new WebvoxError('internal', 'x', { retryable: false }).retryable, false, 'extra wins');
  });

  it('from a server error message, with its retryAfter', () => {
    const reply = { type: 'error', id: 3, code: 'auth_throttled', message: 'too many', retryAfter: 8 };
    const e = WebvoxError.fromReply(reply);
    assert.equal(e.code, 'auth_throttled');
    assert.equal(e.message, 'too many');
    assert.equal(e.retryAfter, 8);
    assert.equal(e.reply, reply);
    assert.equal(WebvoxError.fromReply({ code: 'not_found', message: 'no such channel' }).retryAfter, undefined);
  });

  it('isRetryable reads plain errors by code too', () => {
    assert.equal(isRetryable({ code: 'timeout' }), true);
    assert.equal(isRetryable(new Error('x')), false);
    assert.equal(isRetryable(undefined), false);
  });
});

describe('banners', () => {
  const calls = [];
  const act = {
    retryNow: () => calls.push('retryNow'),
    signOut: () => calls.push('signOut'),
    resume: (c) => calls.push(`resume ${c}`),
    join: (u) => calls.push(`join ${u}`),
  };

  it('say what happened and offer what helps', () => {
    calls.length = 0;
    const lost = sessionBanner({ code: 'disconnected', channel: 'sip:c', retryIn: 2000 }, act);
    assert.equal(lost.code, 'disconnected');
    assert.equal(lost.kind, 'warning');
    assert.match(lost.text, /rejoin the channel automatically. Trying again in 2 s/);
    lost.actions[0].onClick();
    const replaced = sessionBanner({ code: 'replaced', channel: 'sip:c' }, act);
    assert.equal(replaced.dismissible, false);
    replaced.actions[0].onClick();
    const viaToken = sessionBanner({ code: 'auth_failed', viaToken: true }, act);
    assert.equal(viaToken.dismissible, false);
    viaToken.actions[0].onClick();
    assert.deepEqual(sessionBanner({ code: 'auth_failed', viaToken: false }, act).actions, []);
    assert.match(sessionBanner({ code: 'auth_throttled', retryAfter: 8 }, act).text, /8 seconds/);
    assert.match(sessionBanner({ code: 'unreachable', retryIn: 0 }, act).text, /Trying again now/);
    assert.deepEqual(calls, ['retryNow', 'resume sip:c', 'signOut']);
    assert.throws(() => sessionBanner({ code: 'nonsense' }, act));
  });

  it('a refused join offers another go only when one may help', () => {
    calls.length = 0;
    const full = joinErrorBanner(new WebvoxError('channel_full'), 'sip:a', null, act);
    assert.equal(full.code, 'channel_full');
    assert.equal(full.actions.length, 1);
    full.actions[0].onClick();
    assert.deepEqual(joinErrorBanner(new WebvoxError('not_found'), 'sip:a', null, act).actions, []);
    const forbidden = joinErrorBanner(new WebvoxError('forbidden'), 'sip:b', 'sip:a', act);
    assert.match(forbidden.text, /only lets you into sip:a/);
    forbidden.actions[0].onClick();
    assert.deepEqual(calls, ['join sip:a', 'join sip:a']);
  });
});
