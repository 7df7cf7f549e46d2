// What we tell people: when something goes wrong, a short title saying what happened and a
// line saying what to do about it; the labels of the banners' buttons; and what the polite
// live region announces. Kept apart from the logic so the wording is easy to review.

const retrying = (ms) => (ms > 0 ? `Trying again in ${Math.max(1, Math.round(ms / 1000))} s…` : 'Trying again now…');

export const messages = {
  emptyForm: () => ({
    title: 'Enter your voice account and password',
    text: 'Both are needed to sign in. If you came from in-world, open the voice link again instead.',
  }),

  authFailed: (viaToken) =>
    viaToken
      ? {
          title: 'This voice link doesn’t work any more',
          text: 'It has expired or isn’t valid. Get a fresh link from in-world and open it again.',
        }
      : {
          title: 'Wrong account name or password',
          text: 'Check both and try again. They are case-sensitive.',
        },

  authThrottled: (retryAfter) => ({
    title: 'Too many failed sign-ins',
    text: `The voice server is not checking passwords from here for now. Try again in ${Math.max(1, Number(retryAfter) || 1)} seconds.`,
  }),

  unreachable: (retryIn) => ({
    title: 'Can’t reach the voice server',
    text: `It may be down, or your connection may be offline. ${retrying(retryIn)}`,
  }),

  lost: (channel, retryIn) => ({
    title: 'Connection to the voice server lost',
    text: `${channel ? 'You’ll rejoin the channel automatically. ' : ''}${retrying(retryIn)}`,
  }),

  operatorMuted: () => ({
    title: 'The grid’s operator muted you',
    text: 'Nobody in this channel hears you until the operator lets you speak again.',
  }),

  removed: (reason, channel, retryAfter) => ({
    title: reason === 'closed' ? 'The grid’s operator closed this channel' : 'You were removed from the channel',
    text: reason === 'closed'
      ? `The call in ${channel || 'this channel'} was ended by the grid’s operator.`
      : `The grid’s operator removed you from ${channel || 'this channel'}.${retryAfter ? ` You can join it again in ${retryAfter} s.` : ''}`,
  }),

  replaced: (channel) => ({
    title: 'You joined from another window',
    text: `${channel ? 'Your account joined this channel somewhere else' : 'Your account connected somewhere else'}, so this window was disconnected.`,
  }),

  offline: () => ({
    title: 'You’re offline',
    text: 'Voice will reconnect by itself when your connection is back.',
  }),

  unsupported: () => ({
    title: 'This browser can’t do voice chat',
    text: 'Please use a current version of Firefox, Chrome, Edge or Safari.',
  }),

  join(err, uri, tokenChannel) {
    switch (err.code) {
      case 'not_found':
        return {
          title: 'That channel doesn’t exist',
          text: `It may have been closed, or the address is mistyped (${uri}). Check it, or get a fresh link from in-world.`,
        };
      case 'forbidden':
        return {
          title: 'Your link is for a different channel',
          text: tokenChannel ? `This link only lets you into ${tokenChannel}.` : 'This link doesn’t let you into that channel.',
        };
      case 'kicked':
        return {
          title: 'You were removed from this channel',
          text: `The grid’s operator removed you from it. You can join it again in ${err.retryAfter ?? 'a few'} s.`,
        };
      case 'channel_full':
        return {
          title: 'This channel is full',
          text: 'It already has as many people as a channel can hold. Try again in a little while.',
        };
      case 'bad_message':
        return {
          title: 'That doesn’t look like a channel address',
          text: 'Channel addresses look like sip:confctl-1001@voice.example.org.',
        };
      case 'timeout':
        return { title: 'The voice server didn’t answer', text: 'Try again in a moment.' };
      case 'not_signed_in':
        return { title: 'You’re not signed in', text: 'Sign in first, then join the channel.' };
      default:
        return messages.serverError(err.code, err.message);
    }
  },

  serverError(code, message) {
    if (code === 'rate_limited') {
      return { title: 'Too much at once', text: 'The voice server asked us to slow down; some updates were skipped.' };
    }
    if (code === 'internal') {
      return { title: 'The voice server had a problem', text: 'Try again in a moment.' };
    }
    return { title: 'Something went wrong', text: message || code || 'Try again in a moment.' };
  },

  mic(err) {
    switch (err.code) {
      case 'mic_denied':
        return {
          title: 'Microphone access is blocked',
          text: 'Allow the microphone for this site in your browser (usually the icon at the left of the address bar), then try again. You can listen in the meantime.',
        };
      case 'mic_no-device':
        return {
          title: 'No microphone found',
          text: 'Plug in a microphone or headset, then try again. You can listen in the meantime.',
        };
      case 'mic_busy':
        return {
          title: 'Your microphone couldn’t be started',
          text: 'Another app may be using it. Close that app or choose a different microphone.',
        };
      case 'mic_gone':
        return {
          title: 'That microphone isn’t available',
          text: 'It may have been unplugged. Choose another one under Audio.',
        };
      case 'mic_insecure':
        return {
          title: 'The microphone needs a secure connection',
          text: 'Open this page with https:// (or on localhost) to talk. You can listen in the meantime.',
        };
      default:
        return {
          title: 'Couldn’t start your microphone',
          text: `${err.message || 'Unknown error'}. You can listen in the meantime.`,
        };
    }
  },

  micEnded: () => ({
    title: 'Your microphone stopped',
    text: 'It may have been unplugged. Switching to your default microphone.',
  }),

  serverAudioFailed: () => ({
    title: 'Can’t reach the voice server’s audio',
    text: 'A network between you and the server may be blocking audio. Retrying…',
  }),
  peerFailed: (names) => ({
    title: `Can’t reach ${listNames(names)}`,
    text: 'A network between you may be blocking direct audio. Retrying…',
  }),
};

// Buttons on banners.
export const labels = {
  retryNow: 'Retry now',
  tryAgain: 'Try again',
  joinLinkChannel: 'Join the link’s channel',
  useAccount: 'Sign in with an account instead',
  useThisWindow: 'Use this window',
};

// The line under the spinner while signing in.
export const connectingText = {
  account: 'Signing you in to voice chat…',
  token: 'Signing you in with your join link…',
  waiting: 'Waiting for the voice server to answer…',
};

// What the polite live region says (screen readers read it when they are done with what they
// are saying), for changes in the channel one would otherwise only see.
export const announce = {
  joined: (name) => `${name} joined`,
  left: (name) => `${name} left`,
  handRaised: (name) => `${name} raised their hand`,
  floorGiven: (name) => `${name} has the floor`,
  floorTaken: (name) => `${name} no longer has the floor`,
  youHaveFloor: () => 'You have the floor: the channel hears you',
  youLostFloor: () => 'You no longer have the floor',
  more: (n) => `and ${n} more ${n === 1 ? 'change' : 'changes'}`,
};

function listNames(names) {
  if (names.length <= 1) return names[0] ?? 'someone';
  if (names.length === 2) return `${names[0]} and ${names[1]}`;
  return `${names[0]}, ${names[1]} and ${names.length - 2} more`;
}
