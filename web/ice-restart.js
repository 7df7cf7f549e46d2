// When to reconnect a WebRTC connection that lost its path: one policy for the mesh's peer
// connections (mesh.js, an ICE restart on the same RTCPeerConnection) and for the connection
// to the server (sfu.js, a fresh RTCPeerConnection and sfu-offer). The owner says how to
// restart; this decides when.
//
// - `connected`: healed; the attempt count starts over and any pending retry is dropped.
// - `disconnected`: often heals by itself within seconds, so wait GRACE_MS; still
//   disconnected then: restart.
// - `failed`: restart after a backoff of 0, 2, 5, 10, 20, 30, 30… s by attempts so far, so an
//   unreachable peer or server is not hammered. A retry goes ahead only if the connection has
//   not recovered meanwhile (still `failed`; after a failed negotiation, anything but
//   `connected`). A restart that fails again backs off further; one still `failed` after
//   WATCHDOG_MS without saying so again (a restart that hangs) is retried too.
// - restartNow(reason): at once, e.g. after a network change, skipping any backoff wait.
//
// No RTCPeerConnection and no clock of its own: state changes come in through onState, timers
// through the injected `timers`, so tests pump it by hand.

export const GRACE_MS = 4000;
export const BACKOFF_MS = [0, 2000, 5000, 10000, 20000, 30000];
export const WATCHDOG_MS = 15000;

const realTimers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (id) => clearTimeout(id),
};

export class IceRestartPolicy {
  // restart(reason, attempt): reconnect now (attempt counts from 1 since the last `connected`).
  // state(): the connection's state now.
  constructor({ restart, state, timers = realTimers }) {
    this._restart = restart;
    this._state = state;
    this._timers = timers;
    this.attempts = 0;
    this.closed = false;
    this._retryTimer = 0; // waiting out the backoff before a restart
    this._watchdog = 0; // after a restart: is it still failed?
    this._graceTimer = 0; // disconnected: did it heal?
  }

  // The connection's connectionState changed.
  onState(state) {
    if (this.closed) return;
    this._clearGrace();
    if (state === 'connected') {
      this.attempts = 0;
      this._clearRetry();
      this._clearWatchdog();
    } else if (state === 'disconnected') {
      this._graceTimer = this._timers.set(() => {
        this._graceTimer = 0;
        if (this._state() === 'disconnected') this.restartNow('disconnected');
      }, GRACE_MS);
    } else if (state === 'failed') {
      this.retry();
    }
  }

  // Restart after the backoff (unless one is waiting already). after: 'failed' (the
  // connection failed: go ahead only while it is still failed) or 'error' (a negotiation
  // failed: go ahead unless it connected meanwhile).
  retry({ after = 'failed' } = {}) {
    if (this.closed || this._retryTimer) return;
    this._clearWatchdog();
    const delay = BACKOFF_MS[Math.min(this.attempts, BACKOFF_MS.length - 1)];
    this._retryTimer = this._timers.set(() => {
      this._retryTimer = 0;
      const state = this._state();
      if (after === 'failed' ? state !== 'failed' : state === 'connected') return;
      this.restartNow(after);
      // A restart that fails again says so with `failed` (and retries then); one that just
      // hangs gets another go.
      if (this.closed || this._retryTimer) return;
      this._watchdog = this._timers.set(() => {
        this._watchdog = 0;
        if (this._state() === 'failed') this.retry();
      }, WATCHDOG_MS);
    }, delay);
  }

  restartNow(reason) {
    if (this.closed) return;
    this._clearRetry();
    this._clearWatchdog();
    this.attempts++;
    this._restart(reason, this.attempts);
  }

  close() {
    this.closed = true;
    this._clearRetry();
    this._clearWatchdog();
    this._clearGrace();
  }

  _clearRetry() {
    if (this._retryTimer) this._timers.clear(this._retryTimer);
    this._retryTimer = 0;
  }

  _clearWatchdog() {
    if (this._watchdog) this._timers.clear(this._watchdog);
    this._watchdog = 0;
  }

  _clearGrace() {
    if (this._graceTimer) this._timers.clear(this._graceTimer);
    this._graceTimer = 0;
  }
}
