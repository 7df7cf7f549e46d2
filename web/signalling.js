// WebSocket client for webvoxd's signalling protocol (docs/signalling.md).
//
// Owns one socket at a time, signs in with `hello`, matches replies to requests by id,
// keeps the connection alive with pings, paces outgoing messages under the server's rate
// limit and reconnects with backoff. After a reconnect it signs in again by itself and
// emits `reconnected`; re-joining the channel is the caller's business because the member
// id changes with every connection.
//
// Events (CustomEvent, payload in `detail`):
//   state         {state, retryIn}   'idle' | 'connecting' | 'signed-in' | 'reconnecting' | 'closed'
//   reconnected   welcome message    signed in again after the socket had dropped
//   lost          {code, reason}     the signed-in socket dropped; a reconnect follows
//   fatal         error message      auth_failed, auth_throttled or replaced: no automatic reconnect
// A `busy` answer to hello (the server's password checks are all taken) is retried on the same
// socket after its retryAfter.
//   member-joined | member-left | member-state | positions | signal | slots | forwarding |
//   removed | error   server pushes, as received

import { WebvoxError } from './errors.js';

export function defaultSignalUrl() {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/signal`;
}

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];
const REQUEST_TIMEOUT_MS = 10000;
const PING_EVERY_MS = 20000;
const PONG_WITHIN_MS = 10000;
// The server allows 50 messages/s with bursts of 200 and drops the excess; a full mesh join
// sends an offer plus a handful of candidates per member, so pace a little under that.
const RATE_PER_S = 40;
const BURST = 150;
const CLOSE_REPLACED = 4001;
const PUSH_TYPES = new Set(['member-joined', 'member-left', 'member-state', 'positions', 'signal', 'slots', 'forwarding', 'removed']);

export class Signalling extends EventTarget {
  constructor({ url = defaultSignalUrl() } = {}) {
    super();
    this.url = url;
    this.state = 'idle';
    this.welcome = null;
    this.retryIn = 0;
    this._ws = null;
    this._creds = null;
    this._nextId = 1;
    this._pending = new Map();
    this._attempt = 0;
    this._retryTimer = 0;
    this._pingTimer = 0;
    this._pongTimer = 0;
    this._signIn = null; // {resolve, reject} of the signIn() call still waiting for welcome
    this._queue = [];
    this._tokens = BURST;
    this._tokensAt = performance.now();
    this._flushTimer = 0;
  }

  // Resolves with `welcome`. Keeps retrying while the server is unreachable; rejects on
  // auth_failed or when close() is called first.
  signIn(creds) {
    this.close();
    this._attempt = 0;
    this._creds = { ...creds };
    return new Promise((resolve, reject) => {
      this._signIn = { resolve, reject };
      this._open();
    });
  }

  // Ends the session on purpose: no reconnect, pending requests rejected.
  close() {
    this._creds = null;
    clearTimeout(this._retryTimer);
    this._dropSocket(1000, 'bye');
    this._rejectPending(new WebvoxError('closed', 'signed out'));
    if (this._signIn) {
      this._signIn.reject(new WebvoxError('closed', 'signed out'));
      this._signIn = null;
    }
    this.welcome = null;
    if (this.state !== 'idle') this._setState('closed');
  }

  // Skips the remaining backoff wait (e.g. the browser came back online).
  retryNow() {
    if (this.state !== 'reconnecting' || !this._creds) return;
    clearTimeout(this._retryTimer);
    this._open();
  }

  get signedIn() {
    return this.state === 'signed-in';
  }

  // Fire-and-forget; silently dropped when not signed in (signals for a socket that is gone
  // would address members of an old session anyway).
  send(msg) {
    if (!this.signedIn) return false;
    this._enqueue(JSON.stringify(msg));
    return true;
  }

  // Sends msg with a fresh id and resolves with the server's direct reply, or rejects with a
  // WebvoxError carrying the server's error code.
  request(msg, { timeout = REQUEST_TIMEOUT_MS } = {}) {
    if (!this.signedIn) {
      return Promise.reject(new WebvoxError('disconnected', 'not connected to the voice server'));
    }
    const id = this._nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this._pending.delete(id);
        reject(new WebvoxError('timeout', `no answer to ${msg.type}`));
      }, timeout);
      this._pending.set(id, { resolve, reject, timer });
      this._enqueue(JSON.stringify({ ...msg, id }));
    });
  }

  _open() {
    this._dropSocket();
    this.retryIn = 0;
    this._setState(this._attempt === 0 && !this.welcome ? 'connecting' : 'reconnecting');
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (err) {
      this._scheduleRetry();
      return;
    }
    this._ws = ws;
    ws.onopen = () => this._hello();
    ws.onmessage = (ev) => this._onMessage(ev.data);
    ws.onclose = (ev) => this._onClose(ev.code, ev.reason);
    ws.onerror = () => {}; // onclose follows and carries what little the browser tells us
  }

  _hello() {
    const c = this._creds;
    const hello = { type: 'hello', id: this._nextId++ };
    if (c.token) hello.token = c.token;
    else Object.assign(hello, { account: c.account, password: c.password });
    if (c.name) hello.name = c.name;
    this._helloId = hello.id;
    // Straight to the socket: the queue only runs once signed in.
    this._ws.send(JSON.stringify(hello));
  }

  _onMessage(raw) {
    let msg;
    try {
      msg = JSON.parse(raw);
    } catch {
      return;
    }
    if (!msg || typeof msg.type !== 'string') return;

    if (msg.type === 'welcome') return this._onWelcome(msg);
    if (msg.type === 'error' && msg.code === 'busy' && msg.id === this._helloId) {
      const ws = this._ws;
      setTimeout(() => {
        if (this._ws === ws && ws?.readyState === WebSocket.OPEN) this._hello();
      }, 1000 * Math.max(1, Number(msg.retryAfter) || 1));
      return;
    }
    if (msg.type === 'error' && (msg.code === 'auth_failed' || msg.code === 'auth_throttled' || msg.code === 'replaced')) {
      return this._onFatal(msg);
    }
    if (msg.id != null && this._pending.has(msg.id)) {
      const p = this._pending.get(msg.id);
      this._pending.delete(msg.id);
      clearTimeout(p.timer);
      if (msg.type === 'error') p.reject(WebvoxError.fromReply(msg));
      else p.resolve(msg);
      return;
    }
    if (msg.type === 'pong') return this._onPong();
    if (PUSH_TYPES.has(msg.type) || msg.type === 'error') {
      this.dispatchEvent(new CustomEvent(msg.type, { detail: msg }));
    }
  }

  _onWelcome(msg) {
    const again = this.welcome !== null;
    this.welcome = msg;
    this._attempt = 0;
    this.retryIn = 0;
    this._tokens = BURST;
    this._setState('signed-in');
    this._startPing();
    if (this._signIn) {
      this._signIn.resolve(msg);
      this._signIn = null;
    }
    if (again) this.dispatchEvent(new CustomEvent('reconnected', { detail: msg }));
  }

  _onFatal(msg) {
    this._fatal = msg;
    const err = WebvoxError.fromReply(msg);
    if (this._signIn) {
      this._signIn.reject(err);
      this._signIn = null;
    }
    this._creds = null; // no reconnect: a wrong password stays wrong; replaced means another tab won
    this._dropSocket();
    this._rejectPending(err);
    this.welcome = null;
    this._setState('closed');
    this.dispatchEvent(new CustomEvent('fatal', { detail: msg }));
  }

  _onClose(code, reason) {
    const wasSignedIn = this.signedIn;
    this._dropSocket();
    this._rejectPending(new WebvoxError('disconnected', 'connection to the voice server lost'));
    if (code === CLOSE_REPLACED) {
      return this._onFatal({ type: 'error', code: 'replaced', message: reason || 'replaced' });
    }
    if (!this._creds) return; // closed on purpose or after a fatal error
    if (wasSignedIn) this.dispatchEvent(new CustomEvent('lost', { detail: { code, reason } }));
    this._scheduleRetry();
  }

  _scheduleRetry() {
    const base = BACKOFF_MS[Math.min(this._attempt, BACKOFF_MS.length - 1)];
    this._attempt++;
    // Jitter spreads the reconnects of a whole channel after a server restart.
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    this.retryIn = delay;
    this.retryAt = Date.now() + delay;
    this._setState('reconnecting');
    clearTimeout(this._retryTimer);
    this._retryTimer = setTimeout(() => this._open(), delay);
  }

  _startPing() {
    clearInterval(this._pingTimer);
    this._pingTimer = setInterval(() => {
      if (!this.signedIn || this._pongTimer) return;
      this._enqueue(JSON.stringify({ type: 'ping', id: `ka${this._nextId++}` }));
      // A half-open TCP connection never fires onclose; the missing pong is our only clue.
      this._pongTimer = setTimeout(() => {
        this._pongTimer = 0;
        if (this._ws) this._onClose(4000, 'keepalive timeout');
      }, PONG_WITHIN_MS);
    }, PING_EVERY_MS);
  }

  _onPong() {
    clearTimeout(this._pongTimer);
    this._pongTimer = 0;
  }

  _dropSocket(code, reason) {
    clearInterval(this._pingTimer);
    clearTimeout(this._pongTimer);
    clearTimeout(this._flushTimer);
    this._pingTimer = this._pongTimer = this._flushTimer = 0;
    this._queue = [];
    const ws = this._ws;
    this._ws = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    try {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) {
        ws.close(code ?? 1000, reason ?? '');
      }
    } catch {
      // close() on a broken socket may throw; it is gone either way
    }
  }

  _rejectPending(err) {
    for (const p of this._pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this._pending.clear();
  }

  _enqueue(text) {
    this._queue.push(text);
    this._flush();
  }

  _flush() {
    clearTimeout(this._flushTimer);
    this._flushTimer = 0;
    const now = performance.now();
    this._tokens = Math.min(BURST, this._tokens + ((now - this._tokensAt) / 1000) * RATE_PER_S);
    this._tokensAt = now;
    while (this._queue.length && this._tokens >= 1 && this._ws?.readyState === WebSocket.OPEN) {
      this._ws.send(this._queue.shift());
      this._tokens -= 1;
    }
    if (this._queue.length && this._ws) {
      this._flushTimer = setTimeout(() => this._flush(), Math.ceil(1000 / RATE_PER_S));
    }
  }

  _setState(state) {
    if (this.state === state && state !== 'reconnecting') return;
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', { detail: { state, retryIn: this.retryIn } }));
  }
}
