// What the banner says and offers for the session's news (session.js's `banner` and
// `joinError` effects): its code, kind, wording (messages.js) and buttons. Pure: the buttons
// call the actions passed in, {retryNow(), signOut(), resume(channel), join(uri)}.

import { messages, labels } from './messages.js';

export function sessionBanner(b, act) {
  const retryNow = { label: labels.retryNow, onClick: () => act.retryNow() };
  switch (b.code) {
    case 'unreachable':
      return { code: b.code, kind: 'warning', ...messages.unreachable(b.retryIn), actions: [retryNow] };
    case 'disconnected':
      return { code: b.code, kind: 'warning', ...messages.lost(b.channel, b.retryIn), actions: [retryNow] };
    case 'auth_throttled':
      return { code: b.code, kind: 'error', ...messages.authThrottled(b.retryAfter), dismissible: true };
    case 'auth_failed':
      return {
        code: b.code, kind: 'error', ...messages.authFailed(b.viaToken), dismissible: !b.viaToken,
        actions: b.viaToken ? [{ label: labels.useAccount, onClick: () => act.signOut() }] : [],
      };
    case 'removed':
      return { code: b.code, kind: 'info', ...messages.removed(b.reason, b.channel, b.retryAfter), dismissible: true };
    case 'replaced':
      return {
        code: b.code, kind: 'info', ...messages.replaced(b.channel), dismissible: false,
        actions: [{ label: labels.useThisWindow, primary: true, onClick: () => act.resume(b.channel) }],
      };
    default:
      throw new Error(`no banner for ${b.code}`);
  }
}

// A refused join of `uri`. linkChannel: the one channel a join link admits to, if signed in
// with one. Worth another go when the error says so (a full channel, a timeout).
export function joinErrorBanner(err, uri, linkChannel, act) {
  const actions = [];
  if (err.code === 'forbidden' && linkChannel) {
    actions.push({ label: labels.joinLinkChannel, primary: true, onClick: () => act.join(linkChannel) });
  }
  if (err.retryable) actions.push({ label: labels.tryAgain, primary: true, onClick: () => act.join(uri) });
  return { code: err.code, kind: 'error', ...messages.join(err, uri, linkChannel), actions };
}
