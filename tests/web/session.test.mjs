// web/session.js: every transition of the session's state machine, by events in and the state
// and effects that come out. No browser, no socket:  node --test tests/web/session.test.mjs

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { step, initialSession, isSignedIn, normaliseCreds, Session, PHASES } from '../../web/session.js';
import { WebvoxError } from '../../web/errors.js';

const ACCOUNT = normaliseCreds({ account: 'alice', password: 'pw', name: 'Alice' });
const TOKEN = normaliseCreds({ token: 'v1.payload.sig' });
const WELCOME = { type: 'welcome', member: 'm1', account: 'alice', name: 'Alice' };
const CHAN_A = 'sip:confctl-1@voice.example.org';
const CHAN_B = 'sip:confctl-2@voice.example.org';
const joinedMsg = (channel) => ({ type: 'joined', channel, self: { member: 'm1' }, members: [] });
const err = (code) => new WebvoxError(code, code);

// Runs events from a state; returns the last step's output and every effect on the way.
function run(state, ...events) {
  let last = { state, effects: [], result: null };
  const all = [];
  for (const ev of events) {
    last = step(last.state, ev);
    all.push(...last.effects);
  }
  return { ...last, all };
}

const types = (effects) => effects.map((e) => e.type);
const find = (effects, type) => effects.find((e) => e.type === type);

// States reached the way the page reaches them.
function connecting(creds = ACCOUNT) {
  return step(initialSession(), { type: 'signIn', creds }).state;
}
function lobby(creds = ACCOUNT) {
  const s = connecting(creds);
  return step(s, { type: 'welcome', attempt: s.attempt, welcome: WELCOME }).state;
}
function joiningMic(uri = CHAN_A, from = lobby()) {
  return step(from, { type: 'join', uri }).state;
}
function joiningRequest(uri = CHAN_A, from = lobby()) {
  const s = joiningMic(uri, from);
  return step(s, { type: 'micReady', gen: s.gen }).state;
}
function inCall(uri = CHAN_A, from = lobby()) {
  const s = joiningRequest(uri, from);
  return step(s, { type: 'joined', gen: s.gen, msg: joinedMsg(uri) }).state;
}
function reconnecting(from = inCall()) {
  return step(from, { type: 'connection', state: 'reconnecting', retryIn: 1000 }).state;
}

describe('signing in', () => {
  it('starts signed out', () => {
    const s = initialSession();
    assert.equal(s.phase, 'signed-out');
    assert.equal(isSignedIn(s), false);
    assert.deepEqual(PHASES, ['signed-out', 'connecting', 'lobby', 'joining', 'in-call', 'reconnecting']);
  });

  it('with account and password: connecting, then the lobby on welcome', () => {
    const { state, effects, result } = step(initialSession(), { type: 'signIn', creds: ACCOUNT });
    assert.equal(state.phase, 'connecting');
    assert.deepEqual(state.creds, ACCOUNT);
    assert.deepEqual(types(effects), ['teardown', 'hideBanner', 'connectingText', 'view', 'connect']);
    assert.equal(find(effects, 'connectingText').reason, 'account');
    assert.equal(find(effects, 'view').name, 'connecting');
    assert.deepEqual(find(effects, 'connect'), { type: 'connect', creds: ACCOUNT, attempt: state.attempt });
    assert.deepEqual(result, { pending: state.attempt });

    const after = step(state, { type: 'welcome', attempt: state.attempt, welcome: WELCOME });
    assert.equal(after.state.phase, 'lobby');
    assert.equal(after.state.welcome, WELCOME);
    assert.deepEqual(after.effects, [{ type: 'signedIn', welcome: WELCOME }, { type: 'view', name: 'lobby' }]);
    assert.ok(isSignedIn(after.state));
  });

  it('with a join token: says so while connecting, keeps no account or password', () => {
    const { state, effects } = step(initialSession(), { type: 'signIn', creds: TOKEN });
    assert.deepEqual(state.creds, { name: '', token: 'v1.payload.sig' });
    assert.equal(find(effects, 'connectingText').reason, 'token');
    assert.equal(lobby(TOKEN).phase, 'lobby');
  });

  it('normalises what the forms give', () => {
    assert.deepEqual(normaliseCreds({ account: ' bob ', password: ' p ', name: ' Bob ' }), { name: 'Bob', account: 'bob', password: ' p ' });
    assert.deepEqual(normaliseCreds({ token: ' t ', account: 'ignored' }), { name: '', token: 't' });
  });

  it('refuses missing fields without leaving the state', () => {
    for (const creds of [normaliseCreds({ account: 'a' }), normaliseCreds({ password: 'p' }), normaliseCreds({})]) {
      const before = lobby();
      const { state, effects, result } = step(before, { type: 'signIn', creds });
      assert.equal(state, before);
      assert.deepEqual(effects, [{ type: 'invalid', what: 'credentials' }]);
      assert.equal(result.error.code, 'form');
      assert.ok(result.error instanceof WebvoxError);
    }
  });

  it('the same credentials again while signed in answer at once; force signs in anew', () => {
    const s = inCall();
    const same = step(s, { type: 'signIn', creds: { ...ACCOUNT } });
    assert.equal(same.state, s);
    assert.deepEqual(same.effects, []);
    assert.deepEqual(same.result, { value: WELCOME });

    const forced = step(s, { type: 'signIn', creds: ACCOUNT, force: true });
    assert.equal(forced.state.phase, 'connecting');
    assert.equal(forced.state.channel, null);
    assert.equal(forced.state.target, null);
    assert.equal(forced.effects[0].type, 'teardown');
  });

  it('other credentials end the call and sign in again; the old welcome is stale', () => {
    const first = connecting();
    const second = step(first, { type: 'signIn', creds: TOKEN }).state;
    assert.equal(second.attempt, first.attempt + 1);
    const stale = step(second, { type: 'welcome', attempt: first.attempt, welcome: WELCOME });
    assert.equal(stale.state, second);
    assert.deepEqual(stale.effects, []);
  });

  it('an unreachable server while connecting: stays connecting, says so, retries', () => {
    const s = connecting();
    const { state, effects } = step(s, { type: 'connection', state: 'reconnecting', retryIn: 2000 });
    assert.equal(state.phase, 'connecting');
    assert.deepEqual(effects, [
      { type: 'connectingText', reason: 'waiting' },
      { type: 'banner', code: 'unreachable', retryIn: 2000 },
    ]);
    // …and signs in when the server answers at last.
    assert.equal(step(state, { type: 'welcome', attempt: s.attempt, welcome: WELCOME }).state.phase, 'lobby');
  });

  it('socket states other than reconnecting change nothing', () => {
    for (const s of [initialSession(), connecting(), lobby(), inCall()]) {
      for (const state of ['idle', 'connecting', 'signed-in', 'closed']) {
        const out = step(s, { type: 'connection', state, retryIn: 0 });
        assert.equal(out.state, s);
        assert.deepEqual(out.effects, []);
      }
    }
  });

  it('a reconnecting socket while signed out is not news', () => {
    const s = initialSession();
    assert.deepEqual(step(s, { type: 'connection', state: 'reconnecting', retryIn: 500 }).effects, []);
  });
});

describe('joining', () => {
  it('lobby → joining (mic) → joining (request) → in call', () => {
    const s0 = lobby();
    const a = step(s0, { type: 'join', uri: ` ${CHAN_A} ` });
    assert.equal(a.state.phase, 'joining');
    assert.deepEqual(a.state.join, { uri: CHAN_A, gen: a.state.gen, stage: 'mic', previous: null, user: true });
    assert.deepEqual(a.effects, [{ type: 'joinStarted', uri: CHAN_A }, { type: 'openMic', gen: a.state.gen }]);
    assert.deepEqual(a.result, { pending: a.state.gen });
    assert.equal(a.state.target, null, 'not the target before the join goes out');

    const b = step(a.state, { type: 'micReady', gen: a.state.gen });
    assert.equal(b.state.phase, 'joining');
    assert.equal(b.state.join.stage, 'request');
    assert.equal(b.state.target, CHAN_A);
    assert.deepEqual(b.effects, [{ type: 'requestJoin', uri: CHAN_A, gen: a.state.gen }]);

    const msg = joinedMsg(CHAN_A);
    const c = step(b.state, { type: 'joined', gen: a.state.gen, msg });
    assert.equal(c.state.phase, 'in-call');
    assert.equal(c.state.channel, CHAN_A);
    assert.equal(c.state.joined, msg);
    assert.equal(c.state.join, null);
    assert.deepEqual(c.effects, [
      { type: 'hideBanner', code: 'disconnected' },
      { type: 'enterCall', joined: msg },
      { type: 'view', name: 'call' },
      { type: 'settle', gen: a.state.gen, value: msg },
    ]);
  });

  it('needs a signed-in socket', () => {
    for (const s of [initialSession(), connecting(), reconnecting()]) {
      const { state, effects, result } = step(s, { type: 'join', uri: CHAN_A });
      assert.equal(state, s);
      assert.deepEqual(effects, []);
      assert.equal(result.error.code, 'not_signed_in');
    }
  });

  it('needs a channel', () => {
    const s = lobby();
    const { state, effects, result } = step(s, { type: 'join', uri: '  ' });
    assert.equal(state, s);
    assert.deepEqual(effects, [{ type: 'invalid', what: 'channel' }]);
    assert.equal(result.error.code, 'form');
  });

  it('the channel we are in answers with its joined; the join in flight with its own gen', () => {
    const s = inCall();
    const again = step(s, { type: 'join', uri: CHAN_A });
    assert.deepEqual(again.result, { value: s.joined });
    assert.deepEqual(again.effects, []);

    const j = joiningMic(CHAN_B, s);
    const same = step(j, { type: 'join', uri: CHAN_B });
    assert.deepEqual(same.result, { pending: j.join.gen });
    assert.equal(same.state, j);
  });

  it('a join superseded by another: the first is cancelled when its mic answers, the second goes on', () => {
    const first = joiningMic(CHAN_A);
    const second = step(first, { type: 'join', uri: CHAN_B }).state;
    assert.equal(second.join.uri, CHAN_B);
    assert.ok(second.gen > first.gen);
    // The first join's microphone: stale. The mic stays (the second join needs it).
    const stale = step(second, { type: 'micReady', gen: first.gen });
    assert.equal(stale.state, second);
    assert.deepEqual(types(stale.effects), ['settle']);
    assert.equal(stale.effects[0].error.code, 'cancelled');
    // The second completes.
    const done = run(second, { type: 'micReady', gen: second.gen }, { type: 'joined', gen: second.gen, msg: joinedMsg(CHAN_B) });
    assert.equal(done.state.phase, 'in-call');
    assert.equal(done.state.channel, CHAN_B);
  });

  it('a join superseded after its request went out: its answer only settles its caller', () => {
    const first = joiningRequest(CHAN_A);
    const second = step(first, { type: 'join', uri: CHAN_B }).state;
    const msg = joinedMsg(CHAN_A);
    const stale = step(second, { type: 'joined', gen: first.gen, msg });
    assert.equal(stale.state, second);
    assert.deepEqual(stale.effects, [{ type: 'settle', gen: first.gen, value: msg }]);
    const failed = step(second, { type: 'joinFailed', gen: first.gen, error: err('not_found') });
    assert.equal(failed.state, second);
    assert.deepEqual(types(failed.effects), ['settle'], 'no banner for a join the user replaced');
  });

  it('a refused join from the lobby: back in the lobby, mic released, error shown', () => {
    const s = joiningRequest(CHAN_A);
    const error = err('not_found');
    const { state, effects } = step(s, { type: 'joinFailed', gen: s.gen, error });
    assert.equal(state.phase, 'lobby');
    assert.equal(state.target, null);
    assert.equal(state.join, null);
    assert.deepEqual(effects, [
      { type: 'stopMic' },
      { type: 'joinError', error, uri: CHAN_A },
      { type: 'view', name: 'lobby' },
      { type: 'settle', gen: s.gen, error },
    ]);
  });

  it('a refused switch leaves us in the call we were in', () => {
    const s = joiningRequest(CHAN_B, inCall(CHAN_A));
    assert.equal(s.channel, CHAN_A);
    assert.equal(s.target, CHAN_B);
    const error = err('forbidden');
    const { state, effects } = step(s, { type: 'joinFailed', gen: s.gen, error });
    assert.equal(state.phase, 'in-call');
    assert.equal(state.channel, CHAN_A);
    assert.equal(state.target, CHAN_A);
    assert.deepEqual(types(effects), ['joinError', 'settle']);
  });

  it('every error code of a join ends the same way (only a dropped socket keeps the target)', () => {
    for (const code of ['not_found', 'forbidden', 'channel_full', 'bad_message', 'timeout', 'internal', 'rate_limited', 'closed']) {
      const s = joiningRequest();
      const { state, effects } = step(s, { type: 'joinFailed', gen: s.gen, error: err(code) });
      assert.equal(state.phase, 'lobby', code);
      assert.equal(state.target, null, code);
      assert.ok(find(effects, 'joinError'), code);
    }
  });
});

describe('leaving and signing out', () => {
  it('leave from a call: lobby, call and mic gone, the server told', () => {
    const { state, effects } = step(inCall(), { type: 'leave' });
    assert.equal(state.phase, 'lobby');
    assert.equal(state.channel, null);
    assert.equal(state.target, null);
    assert.deepEqual(effects, [
      { type: 'teardown' }, { type: 'hideBanner' }, { type: 'view', name: 'lobby' }, { type: 'requestLeave' },
    ]);
  });

  it('leave from the lobby tells the server nothing', () => {
    assert.deepEqual(types(step(lobby(), { type: 'leave' }).effects), ['teardown', 'hideBanner', 'view']);
  });

  it('leave while the mic prompt is open: the mic that opens later is released', () => {
    const s = joiningMic();
    const left = step(s, { type: 'leave' });
    assert.equal(left.state.phase, 'lobby');
    assert.ok(find(left.effects, 'requestLeave'), 'a join was under way');
    const late = step(left.state, { type: 'micReady', gen: s.gen });
    assert.deepEqual(types(late.effects), ['stopMic', 'settle']);
    assert.equal(late.effects[1].error.code, 'cancelled');
  });

  it('leave while reconnecting: the connecting view; the reconnect then lands in the lobby', () => {
    const s = reconnecting();
    const left = step(s, { type: 'leave' });
    assert.equal(left.state.phase, 'reconnecting');
    assert.deepEqual(find(left.effects, 'view'), { type: 'view', name: 'connecting' });
    assert.equal(find(left.effects, 'requestLeave'), undefined, 'no socket to tell');
    const back = step(left.state, { type: 'reconnected', welcome: WELCOME });
    assert.equal(back.state.phase, 'lobby');
  });

  it('sign out from anywhere: everything forgotten', () => {
    for (const s of [connecting(), lobby(), joiningMic(), inCall(), reconnecting()]) {
      const { state, effects } = step(s, { type: 'signOut' });
      assert.equal(state.phase, 'signed-out');
      assert.equal(state.creds, null);
      assert.equal(state.target, null);
      assert.equal(state.channel, null);
      assert.deepEqual(types(effects), ['teardown', 'disconnect', 'hideBanner', 'forgetToken', 'clearPassword', 'view']);
      assert.deepEqual(find(effects, 'view'), { type: 'view', name: 'signin', focus: 'account' });
      // Whatever was in flight is stale now.
      assert.deepEqual(types(step(state, { type: 'joined', gen: s.gen, msg: joinedMsg(CHAN_A) }).effects), ['settle']);
      assert.deepEqual(step(state, { type: 'welcome', attempt: s.attempt, welcome: WELCOME }).effects, []);
    }
  });

  it('suspend (pagehide): out of the call and off the socket, ready to come back', () => {
    const { state, effects } = step(inCall(), { type: 'suspend' });
    assert.equal(state.phase, 'signed-out');
    assert.equal(state.channel, null);
    assert.equal(state.target, CHAN_A, 'kept for pageshow');
    assert.deepEqual(state.creds, ACCOUNT);
    assert.deepEqual(types(effects), ['teardown', 'disconnect']);
  });
});

describe('reconnecting', () => {
  it('a lost socket in a call: reconnecting with a banner, then the channel re-joined', () => {
    const s = inCall();
    const lost = step(s, { type: 'connection', state: 'reconnecting', retryIn: 1500 });
    assert.equal(lost.state.phase, 'reconnecting');
    assert.equal(lost.state.channel, CHAN_A, 'the call goes on until the socket is back');
    assert.deepEqual(lost.effects, [{ type: 'banner', code: 'disconnected', channel: CHAN_A, retryIn: 1500 }]);
    // Each further attempt updates the banner.
    const again = step(lost.state, { type: 'connection', state: 'reconnecting', retryIn: 3000 });
    assert.equal(again.state.phase, 'reconnecting');
    assert.equal(again.effects[0].retryIn, 3000);

    const welcome2 = { ...WELCOME, member: 'm2' };
    const back = step(again.state, { type: 'reconnected', welcome: welcome2 });
    assert.equal(back.state.phase, 'joining');
    assert.equal(back.state.channel, null);
    assert.equal(back.state.welcome, welcome2);
    assert.deepEqual(back.state.join, { uri: CHAN_A, gen: back.state.gen, stage: 'request', previous: CHAN_A, user: false });
    assert.deepEqual(back.effects, [
      { type: 'signedIn', welcome: welcome2 },
      { type: 'hideBanner', code: 'disconnected' },
      { type: 'endCall' },
      { type: 'requestJoin', uri: CHAN_A, gen: back.state.gen },
    ]);
    const rejoined = step(back.state, { type: 'joined', gen: back.state.gen, msg: joinedMsg(CHAN_A) });
    assert.equal(rejoined.state.phase, 'in-call');
    assert.ok(find(rejoined.effects, 'enterCall'));
  });

  it('in the lobby: back to the lobby', () => {
    const s = reconnecting(lobby());
    assert.equal(s.phase, 'reconnecting');
    const back = step(s, { type: 'reconnected', welcome: WELCOME });
    assert.equal(back.state.phase, 'lobby');
    assert.deepEqual(find(back.effects, 'view'), { type: 'view', name: 'lobby' });
    assert.equal(find(back.effects, 'requestJoin'), undefined);
  });

  it('while a join request is out: it fails as disconnected, and the reconnect sends it again', () => {
    const s = joiningRequest(CHAN_A);
    const lost = step(s, { type: 'connection', state: 'reconnecting', retryIn: 500 }).state;
    assert.equal(lost.phase, 'reconnecting');
    const error = err('disconnected');
    const failed = step(lost, { type: 'joinFailed', gen: s.gen, error });
    assert.equal(failed.state.phase, 'reconnecting');
    assert.equal(failed.state.target, CHAN_A);
    assert.equal(failed.state.join, null);
    assert.deepEqual(failed.effects, [{ type: 'settle', gen: s.gen, error }], 'no error shown: not over yet');
    const back = step(failed.state, { type: 'reconnected', welcome: WELCOME });
    assert.deepEqual(find(back.effects, 'requestJoin'), { type: 'requestJoin', uri: CHAN_A, gen: back.state.gen });
  });

  it('while the mic prompt is open: the channel becomes the target, joined after the reconnect', () => {
    const s = joiningMic(CHAN_A);
    const lost = step(s, { type: 'connection', state: 'reconnecting', retryIn: 500 }).state;
    const mic = step(lost, { type: 'micReady', gen: s.gen });
    assert.equal(mic.state.target, CHAN_A);
    assert.equal(mic.state.join, null);
    assert.deepEqual(types(mic.effects), ['settle']);
    assert.equal(mic.effects[0].error.code, 'disconnected');
    const back = step(mic.state, { type: 'reconnected', welcome: WELCOME });
    assert.equal(back.state.phase, 'joining');
    assert.equal(back.state.join.uri, CHAN_A);
  });

  it('back before the mic prompt closed: the join carries on from the lobby', () => {
    const s = joiningMic(CHAN_A);
    const lost = step(s, { type: 'connection', state: 'reconnecting', retryIn: 500 }).state;
    const back = step(lost, { type: 'reconnected', welcome: WELCOME });
    assert.equal(back.state.phase, 'joining');
    assert.equal(back.state.join.gen, s.gen);
    const sent = step(back.state, { type: 'micReady', gen: s.gen });
    assert.deepEqual(sent.effects, [{ type: 'requestJoin', uri: CHAN_A, gen: s.gen }]);
  });

  it('a switch whose mic prompt spans a reconnect: the re-join of the old channel wins', () => {
    const s = joiningMic(CHAN_B, inCall(CHAN_A));
    const lost = step(s, { type: 'connection', state: 'reconnecting', retryIn: 500 }).state;
    const back = step(lost, { type: 'reconnected', welcome: WELCOME }).state;
    assert.equal(back.join.uri, CHAN_A);
    const late = step(back, { type: 'micReady', gen: s.gen });
    assert.deepEqual(types(late.effects), ['settle'], 'cancelled, and the mic stays for the re-join');
  });

  it('a re-join the server refuses: lobby, error shown', () => {
    const back = step(reconnecting(), { type: 'reconnected', welcome: WELCOME }).state;
    const error = err('not_found');
    const { state, effects } = step(back, { type: 'joinFailed', gen: back.gen, error });
    assert.equal(state.phase, 'lobby');
    assert.equal(state.target, null);
    assert.deepEqual(types(effects), ['stopMic', 'joinError', 'view', 'settle']);
  });

  it('dropped again while re-joining: still reconnecting, target kept', () => {
    const back = step(reconnecting(), { type: 'reconnected', welcome: WELCOME }).state;
    const lost = step(back, { type: 'connection', state: 'reconnecting', retryIn: 500 }).state;
    const failed = step(lost, { type: 'joinFailed', gen: back.gen, error: err('disconnected') }).state;
    assert.equal(failed.phase, 'reconnecting');
    assert.equal(failed.target, CHAN_A);
  });
});

describe('fatal errors', () => {
  it('replaced (another window joined): signed out, the call ended, offered back', () => {
    const { state, effects } = step(inCall(), { type: 'fatal', code: 'replaced' });
    assert.equal(state.phase, 'signed-out');
    assert.equal(state.channel, null);
    assert.deepEqual(state.creds, ACCOUNT, 'kept, to take over again');
    assert.deepEqual(effects, [
      { type: 'teardown' }, { type: 'view', name: 'none' }, { type: 'banner', code: 'replaced', channel: CHAN_A },
    ]);
    // "Use this window": a forced sign-in with the same credentials.
    const again = step(state, { type: 'signIn', creds: state.creds, force: true });
    assert.equal(again.state.phase, 'connecting');
  });

  it('auth_failed with a password: the form again, the password selected', () => {
    const { state, effects } = step(connecting(), { type: 'fatal', code: 'auth_failed' });
    assert.equal(state.phase, 'signed-out');
    assert.deepEqual(effects, [
      { type: 'teardown' }, { type: 'view', name: 'signin', focus: 'password' }, { type: 'banner', code: 'auth_failed', viaToken: false },
    ]);
  });

  it('auth_failed with a join link: no form to show, only the message', () => {
    const { effects } = step(connecting(TOKEN), { type: 'fatal', code: 'auth_failed' });
    assert.deepEqual(effects.slice(1), [{ type: 'view', name: 'none' }, { type: 'banner', code: 'auth_failed', viaToken: true }]);
  });

  it('auth_throttled: the form, with how long to wait', () => {
    const { state, effects } = step(connecting(), { type: 'fatal', code: 'auth_throttled', retryAfter: 8 });
    assert.equal(state.phase, 'signed-out');
    assert.deepEqual(effects.slice(1), [{ type: 'view', name: 'signin' }, { type: 'banner', code: 'auth_throttled', retryAfter: 8 }]);
  });

  it('a fatal error in every state ends up signed out with the call torn down', () => {
    const states = {
      connecting: connecting(), lobby: lobby(), joiningMic: joiningMic(), joiningRequest: joiningRequest(),
      inCall: inCall(), reconnecting: reconnecting(),
    };
    for (const [name, s] of Object.entries(states)) {
      for (const code of ['auth_failed', 'auth_throttled', 'replaced']) {
        const out = step(s, { type: 'fatal', code });
        assert.equal(out.state.phase, 'signed-out', `${name} ${code}`);
        assert.equal(out.state.channel, null, `${name} ${code}`);
        assert.equal(out.state.join, null, `${name} ${code}`);
        assert.equal(out.effects[0].type, 'teardown', `${name} ${code}`);
        // A join that was under way is stale.
        if (s.join) {
          const late = step(out.state, { type: 'joined', gen: s.join.gen, msg: joinedMsg(CHAN_A) });
          assert.deepEqual(types(late.effects), ['settle'], `${name} ${code}`);
        }
      }
    }
  });
});

describe('Session', () => {
  it('runs effects in order and queues events that effects raise', () => {
    const log = [];
    const session = new Session((effect, state) => {
      log.push(`${effect.type}@${state.phase}`);
      // A socket that reports its state from inside connect (as Signalling does).
      if (effect.type === 'connect') {
        assert.equal(session.dispatch({ type: 'connection', state: 'reconnecting', retryIn: 0 }), null);
        log.push('queued');
      }
    });
    const result = session.dispatch({ type: 'signIn', creds: ACCOUNT });
    assert.deepEqual(result, { pending: 1 });
    assert.deepEqual(log, [
      'teardown@connecting', 'hideBanner@connecting', 'connectingText@connecting', 'view@connecting', 'connect@connecting',
      'queued', 'connectingText@connecting', 'banner@connecting',
    ]);
    assert.equal(session.state.phase, 'connecting');
  });

  it('refuses events it does not know', () => {
    assert.throws(() => step(initialSession(), { type: 'nonsense' }), /unknown event/);
  });
});

describe('removed by the grid\'s operator (docs/admin.md)', () => {
  it('a kick ends the call, shows why, and does not rejoin by itself', () => {
    const { state, effects } = step(inCall(), { type: 'removed', channel: CHAN_A, reason: 'kicked', retryAfter: 60 });
    assert.equal(state.channel, null);
    assert.equal(state.target, null);
    assert.equal(state.phase, 'lobby');
    assert.deepEqual(types(effects), ['teardown', 'view', 'banner']);
    assert.deepEqual(find(effects, 'banner'), { type: 'banner', code: 'removed', reason: 'kicked', channel: CHAN_A, retryAfter: 60 });
    // A reconnect later finds no target: it stays in the lobby.
    const again = step(state, { type: 'reconnected', welcome: WELCOME });
    assert.equal(again.state.join, null);
  });

  it('a closed channel ends the call too; news of another channel changes nothing', () => {
    const closed = step(inCall(), { type: 'removed', channel: CHAN_A, reason: 'closed' });
    assert.equal(closed.state.channel, null);
    assert.equal(find(closed.effects, 'banner').reason, 'closed');
    const other = step(inCall(), { type: 'removed', channel: CHAN_B, reason: 'kicked' });
    assert.equal(other.state.channel, CHAN_A);
    assert.deepEqual(other.effects, []);
  });
});
