// Sends our own position to the server: at most 10 times a second (the server's limit for
// `position`, docs/signalling.md), and only when it moved or turned noticeably, so standing
// still costs nothing and a drag sends a steady stream. The last position of a burst is
// always sent (after the rest of the interval), so the server ends where we ended.

export const MIN_INTERVAL_MS = 100; // 10/s
export const MIN_MOVE_M = 0.05;
export const MIN_TURN_RAD = Math.PI / 180; // 1°

export class PositionReporter {
  // send(position) puts one `position` message on the wire.
  constructor(send, { now = () => performance.now() } = {}) {
    this._send = send;
    this._now = now;
    this.lastSent = null;
    this._lastAt = -Infinity;
    this._pending = null;
    this._pendingForced = false;
    this._timer = 0;
    this.sentCount = 0;
  }

  // force: send even if it hardly moved (right after joining, and setPosition in tests); the
  // rate limit still applies.
  report(position, { force = false } = {}) {
    if (!force && this.lastSent && !movedEnough(this.lastSent, position)) {
      // Back within the threshold of what the server has: nothing left to send (unless a
      // forced send is still waiting for its turn).
      if (this._pending && !this._pendingForced) this._cancel();
      return false;
    }
    this._pendingForced = force || (this._pending !== null && this._pendingForced);
    this._pending = { ...position };
    this._pump();
    return true;
  }

  // Forget what was sent (a new channel or connection: the server knows nothing yet).
  reset() {
    this._cancel();
    this.lastSent = null;
    this._lastAt = -Infinity;
  }

  stop() {
    this._cancel();
  }

  _pump() {
    if (!this._pending) return;
    const wait = this._lastAt + MIN_INTERVAL_MS - this._now();
    if (wait > 0) {
      this._timer ||= setTimeout(() => {
        this._timer = 0;
        this._pump();
      }, Math.ceil(wait));
      return;
    }
    const p = this._pending;
    this._pending = null;
    this._pendingForced = false;
    this._lastAt = this._now();
    this.lastSent = p;
    this.sentCount++;
    this._send(p);
  }

  _cancel() {
    clearTimeout(this._timer);
    this._timer = 0;
    this._pending = null;
    this._pendingForced = false;
  }
}

export function movedEnough(a, b) {
  const moved = Math.hypot(a.x - b.x, a.y - b.y, (a.z ?? 0) - (b.z ?? 0)) > MIN_MOVE_M;
  const turn = Math.abs(Math.atan2(Math.sin((a.yaw ?? 0) - (b.yaw ?? 0)), Math.cos((a.yaw ?? 0) - (b.yaw ?? 0))));
  return moved || turn > MIN_TURN_RAD;
}
