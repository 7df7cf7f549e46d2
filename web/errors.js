// The one error type of the browser client. Every promise the client rejects, and every error
// it shows, carries a `code`: the server's error code (docs/signalling.md: `not_found`,
// `auth_failed`, …) or one of the client's own (below). `retryable` says whether the same
// request may succeed later unchanged, so callers decide about retries by it instead of by
// lists of codes of their own.

// The client's own codes:
//   form            a form field is missing
//   not_signed_in   a request that needs a signed-in session
//   not_in_channel  a call-only action outside a call (also a server code)
//   placed_by_world setPosition while an in-world HUD places us
//   disconnected    the socket dropped before the answer came (a reconnect follows)
//   timeout         no answer within the request's time
//   closed          signed out (or signed in again) before the answer came
//   cancelled       a join superseded by a later join, leave or sign-out
//   bad_reply, bad_answer   the server's sfu-answer was missing or the browser refused it
//   mic_denied, mic_no-device, mic_busy, mic_gone, mic_insecure, mic_unknown   microphone
const RETRYABLE = new Set([
  'timeout', 'internal', 'rate_limited', 'busy', 'disconnected', 'channel_full', 'auth_throttled',
  'kicked', // the operator's cool-down ends (docs/admin.md)
]);

export class WebvoxError extends Error {
  // extra: {retryable, cause, reply (the server's error message), retryAfter, …}
  constructor(code, message, extra = {}) {
    super(message || code);
    this.name = 'WebvoxError';
    this.code = code;
    this.retryable = RETRYABLE.has(code);
    Object.assign(this, extra);
  }

  // The server's `error` message as an error.
  static fromReply(msg) {
    const extra = { reply: msg };
    if (msg.retryAfter !== undefined) extra.retryAfter = msg.retryAfter;
    return new WebvoxError(msg.code, msg.message, extra);
  }
}

export function isRetryable(err) {
  return err instanceof WebvoxError ? err.retryable : RETRYABLE.has(err?.code);
}
