// Where this page is in its session with webvoxd, as an explicit state machine: events in,
// the next state and a list of effects out. Pure: no DOM, no socket, no timers. app.js feeds it
// what the user, the signalling socket and the microphone report, and carries out the effects.
//
//   signed-out ──signIn──▶ connecting ──welcome──▶ lobby ──join──▶ joining ──joined──▶ in-call
//        ▲                     │ (server unreachable:               ▲  │ error: lobby (or the
//        │                     │  retries, stays here)              │  │ call we were in)
//        └──signOut, fatal─────┴──── from any state                 │  ▼
//                       lobby / joining / in-call ──socket lost──▶ reconnecting
//                       reconnecting ──reconnected──▶ joining (re-joins the channel it was in)
//                                                     or lobby
//
// State:
//   phase     'signed-out' | 'connecting' | 'lobby' | 'joining' | 'in-call' | 'reconnecting'
//   creds     {account, password, name} | {token, name} | null: whom we sign in as
//   welcome   the server's `welcome` while signed in
//   attempt   counts sign-ins: a sign-in's result is for the attempt it started
//   gen       counts joins, leaves and everything that ends a call: an async join result (the
//             microphone, the server's answer) with an older gen is stale, and is only handed
//             back to whoever waits for it
//   target    the channel we want to be in: kept while the socket is down, re-joined after
//   channel   the channel we are in (`joined.channel`), null outside a call; during a switch
//             to another channel (joining) still the old one, whose call goes on meanwhile
//   joined    that `joined` message
//   join      the join in flight: {uri, gen, stage: 'mic' | 'request', previous (target
//             before it), user (false: our own re-join after a reconnect)}; null when none
//
// Events: signIn {creds, force}, welcome {attempt, welcome}, join {uri}, micReady {gen},
//   joined {gen, msg}, joinFailed {gen, error}, leave, signOut, connection {state, retryIn}
//   (the socket's state), reconnected {welcome}, fatal {code, retryAfter}, suspend (the page
//   is going away: pagehide).
//
// Effects ({type, …}):
//   teardown              end the call and release the microphone
//   endCall               end the call, keep the microphone (re-joining at once)
//   enterCall {joined}    start the call `joined` describes (ending any other)
//   connect {creds, attempt}   sign in on a fresh socket; then welcome (a refusal comes as
//                         fatal, which says everything)
//   disconnect            close the socket on purpose (no reconnect)
//   signedIn {welcome}    show who we are signed in as
//   joinStarted {uri}     a join by the user began (inside the user's gesture)
//   openMic {gen}         open the microphone (a refusal joins listen-only); then micReady
//   stopMic               release the microphone
//   requestJoin {uri, gen}   send `join`; then joined or joinFailed
//   requestLeave          send `leave`
//   settle {gen, value | error}   what the join of that gen resolves or rejects with
//   view {name, focus?}   'signin' | 'connecting' | 'lobby' | 'call' | 'none' (an error page)
//   connectingText {reason}   'account' | 'token' | 'waiting'
//   banner {code, …}      unreachable {retryIn}, disconnected {channel, retryIn},
//                         auth_throttled {retryAfter}, auth_failed {viaToken}, replaced {channel}
//   hideBanner {code?}    only that code's banner, or any
//   joinError {error, uri}   a join was refused
//   invalid {what}        'credentials' | 'channel': a form field is missing
//   clearPassword, forgetToken   signing out: forget the password field and a ?token= link
//
// step() also returns `result` for the calls the page API makes (signIn, join): {error},
// {value} (answered at once) or {pending: gen | attempt}.

import { WebvoxError } from './errors.js';

export const PHASES = ['signed-out', 'connecting', 'lobby', 'joining', 'in-call', 'reconnecting'];

const SIGNED_IN = new Set(['lobby', 'joining', 'in-call']);

export function initialSession() {
  return {
    phase: 'signed-out', creds: null, welcome: null, attempt: 0, gen: 0,
    target: null, channel: null, joined: null, join: null,
  };
}

// Whether the socket is signed in (requests can go out).
export function isSignedIn(s) {
  return SIGNED_IN.has(s.phase);
}

export function normaliseCreds({ account = '', password = '', token = '', name = '' } = {}) {
  const creds = { name: String(name ?? '').trim() };
  if (token) creds.token = String(token).trim();
  else Object.assign(creds, { account: String(account ?? '').trim(), password: String(password ?? '') });
  return creds;
}

function sameCreds(a, b) {
  return !!a && a.token === b.token && a.account === b.account && a.password === b.password && a.name === b.name;
}

// The phase once nothing is in flight any more (while signed in).
function restingPhase(s) {
  if (!isSignedIn(s)) return s.phase;
  if (s.join) return 'joining';
  return s.channel ? 'in-call' : 'lobby';
}

// Leaves the call (if any) and forgets every join in flight.
function outOfCall(s) {
  return { ...s, gen: s.gen + 1, channel: null, joined: null, join: null };
}

const out = (state, effects = [], result = null) => ({ state, effects: effects.filter(Boolean), result });

export function step(s, ev) {
  switch (ev.type) {
    case 'signIn': {
      const creds = ev.creds;
      if (!creds?.token && !(creds?.account && creds?.password)) {
        return out(s, [{ type: 'invalid', what: 'credentials' }],
          { error: new WebvoxError('form', 'account and password, or a token, are required') });
      }
      if (!ev.force && isSignedIn(s) && sameCreds(s.creds, creds)) return out(s, [], { value: s.welcome });
      const attempt = s.attempt + 1;
      const next = { ...outOfCall(s), phase: 'connecting', creds, welcome: null, attempt, target: null };
      return out(next, [
        { type: 'teardown' },
        { type: 'hideBanner' },
        { type: 'connectingText', reason: creds.token ? 'token' : 'account' },
        { type: 'view', name: 'connecting' },
        { type: 'connect', creds, attempt },
      ], { pending: attempt });
    }

    case 'welcome': {
      if (ev.attempt !== s.attempt || s.phase !== 'connecting') return out(s);
      return out({ ...s, phase: 'lobby', welcome: ev.welcome },
        [{ type: 'signedIn', welcome: ev.welcome }, { type: 'view', name: 'lobby' }]);
    }

    case 'join': {
      if (!isSignedIn(s)) return out(s, [], { error: new WebvoxError('not_signed_in', 'not signed in') });
      const uri = String(ev.uri ?? '').trim();
      if (!uri) {
        return out(s, [{ type: 'invalid', what: 'channel' }], { error: new WebvoxError('form', 'no channel given') });
      }
      if (s.channel === uri && s.target === uri) return out(s, [], { value: s.joined });
      if (s.join?.uri === uri) return out(s, [], { pending: s.join.gen });
      const gen = s.gen + 1;
      const join = { uri, gen, stage: 'mic', previous: s.target, user: true };
      return out({ ...s, gen, join, phase: 'joining' },
        [{ type: 'joinStarted', uri }, { type: 'openMic', gen }], { pending: gen });
    }

    case 'micReady': {
      const join = s.join;
      if (ev.gen !== s.gen || join?.stage !== 'mic') {
        // Left, signed out or joined elsewhere while the microphone prompt was open.
        return out(s, [
          !s.channel && !s.join && { type: 'stopMic' },
          { type: 'settle', gen: ev.gen, error: new WebvoxError('cancelled', 'join cancelled') },
        ]);
      }
      if (!isSignedIn(s)) {
        // The socket dropped meanwhile: the reconnect joins this channel.
        return out({ ...s, target: join.uri, join: null }, [
          { type: 'settle', gen: ev.gen, error: new WebvoxError('disconnected', 'not connected to the voice server') },
        ]);
      }
      return out({ ...s, target: join.uri, join: { ...join, stage: 'request' } },
        [{ type: 'requestJoin', uri: join.uri, gen: join.gen }]);
    }

    case 'joined': {
      const settle = { type: 'settle', gen: ev.gen, value: ev.msg };
      // Left (or switched) while this join was in flight: that later action wins.
      if (ev.gen !== s.gen || !s.join) return out(s, [settle]);
      return out({ ...s, phase: 'in-call', channel: ev.msg.channel, joined: ev.msg, join: null }, [
        { type: 'hideBanner', code: 'disconnected' },
        { type: 'enterCall', joined: ev.msg },
        { type: 'view', name: 'call' },
        settle,
      ]);
    }

    case 'joinFailed': {
      const settle = { type: 'settle', gen: ev.gen, error: ev.error };
      if (ev.gen !== s.gen || !s.join) return out(s, [settle]);
      const { uri, previous } = s.join;
      if (ev.error?.code === 'disconnected') {
        // The target stays: the reconnect joins it.
        const next = { ...s, join: null };
        return out({ ...next, phase: restingPhase(next) }, [settle]);
      }
      // A refused switch leaves us where we were (the server checks before leaving).
      const target = s.target === uri ? (s.channel ? previous : null) : s.target;
      const next = { ...s, target, join: null };
      return out({ ...next, phase: restingPhase(next) }, [
        !s.channel && { type: 'stopMic' },
        { type: 'joinError', error: ev.error, uri },
        !s.channel && { type: 'view', name: 'lobby' },
        settle,
      ]);
    }

    case 'leave': {
      const had = !!(s.channel || s.join);
      const signedIn = isSignedIn(s);
      const next = { ...outOfCall(s), target: null };
      next.phase = restingPhase(next);
      const away = s.phase === 'connecting' || s.phase === 'reconnecting' ? 'connecting' : 'signin';
      return out(next, [
        { type: 'teardown' },
        { type: 'hideBanner' },
        { type: 'view', name: signedIn ? 'lobby' : away },
        signedIn && had && { type: 'requestLeave' },
      ]);
    }

    case 'signOut': {
      const next = { ...initialSession(), attempt: s.attempt + 1, gen: s.gen + 1 };
      return out(next, [
        { type: 'teardown' },
        { type: 'disconnect' },
        { type: 'hideBanner' },
        { type: 'forgetToken' },
        { type: 'clearPassword' },
        { type: 'view', name: 'signin', focus: 'account' },
      ]);
    }

    case 'suspend': {
      // The page is being hidden (closed, reloaded, or put in the back/forward cache): leave
      // at once rather than after the server's timeout. creds and target stay for a return.
      const next = { ...outOfCall(s), phase: 'signed-out', welcome: null, attempt: s.attempt + 1 };
      return out(next, [{ type: 'teardown' }, { type: 'disconnect' }]);
    }

    case 'connection': {
      if (ev.state !== 'reconnecting') return out(s);
      if (s.phase === 'connecting') {
        // Never got in: the server is down or unreachable.
        return out(s, [
          { type: 'connectingText', reason: 'waiting' },
          { type: 'banner', code: 'unreachable', retryIn: ev.retryIn },
        ]);
      }
      if (!isSignedIn(s) && s.phase !== 'reconnecting') return out(s);
      return out({ ...s, phase: 'reconnecting' },
        [{ type: 'banner', code: 'disconnected', channel: s.target, retryIn: ev.retryIn }]);
    }

    case 'reconnected': {
      // Signed in again on a new socket. Our member id changed with it, so every peer
      // connection is stale: the call ends and, if we were in a channel, we join it again.
      const effects = [
        { type: 'signedIn', welcome: ev.welcome },
        { type: 'hideBanner', code: 'disconnected' },
        { type: 'endCall' },
      ];
      const base = { ...s, welcome: ev.welcome, channel: null, joined: null };
      if (!s.target) {
        const next = { ...base, phase: 'lobby' };
        next.phase = restingPhase(next);
        return out(next, [...effects, { type: 'view', name: 'lobby' }]);
      }
      const gen = s.gen + 1;
      const join = { uri: s.target, gen, stage: 'request', previous: s.target, user: false };
      return out({ ...base, gen, join, phase: 'joining' },
        [...effects, { type: 'requestJoin', uri: s.target, gen }]);
    }

    case 'removed': {
      // The grid's operator took us out of the channel (kicked, or the channel closed): the
      // call ends and, unlike a lost connection, we do not join it again by ourselves.
      if (!ev.channel || (ev.channel !== s.channel && ev.channel !== s.target)) return out(s);
      const next = { ...outOfCall(s), target: null };
      next.phase = restingPhase(next);
      return out(next, [
        { type: 'teardown' },
        { type: 'view', name: 'lobby' },
        { type: 'banner', code: 'removed', reason: ev.reason, channel: ev.channel, retryAfter: ev.retryAfter },
      ]);
    }

    case 'fatal': {
      const channel = s.target || s.channel;
      const next = { ...outOfCall(s), phase: 'signed-out', welcome: null };
      const effects = [{ type: 'teardown' }];
      if (ev.code === 'auth_throttled') {
        return out({ ...next, target: null }, [...effects,
          { type: 'view', name: 'signin' },
          { type: 'banner', code: 'auth_throttled', retryAfter: ev.retryAfter }]);
      }
      if (ev.code === 'auth_failed') {
        const viaToken = !!s.creds?.token;
        return out({ ...next, target: null }, [...effects,
          viaToken ? { type: 'view', name: 'none' } : { type: 'view', name: 'signin', focus: 'password' },
          { type: 'banner', code: 'auth_failed', viaToken }]);
      }
      if (ev.code === 'replaced') {
        // Another window of ours joined: this one offers to take over again.
        return out(next, [...effects,
          { type: 'view', name: 'none' },
          { type: 'banner', code: 'replaced', channel }]);
      }
      return out(next, effects);
    }

    default:
      throw new Error(`session: unknown event ${ev.type}`);
  }
}

// Holds the state and carries out effects through run(effect, state). Events that effects
// cause while they run (a socket reporting its state from inside connect) are queued and
// handled after, so every step sees a settled state.
export class Session {
  constructor(run) {
    this.state = initialSession();
    this._run = run;
    this._queue = [];
    this._busy = false;
  }

  // The step's result ({error} | {value} | {pending}), or null when queued.
  dispatch(ev) {
    if (this._busy) {
      this._queue.push(ev);
      return null;
    }
    this._busy = true;
    try {
      const result = this._apply(ev);
      while (this._queue.length) this._apply(this._queue.shift());
      return result;
    } finally {
      this._busy = false;
    }
  }

  _apply(ev) {
    const { state, effects, result } = step(this.state, ev);
    this.state = state;
    for (const effect of effects) this._run(effect, state);
    return result;
  }
}
