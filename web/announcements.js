// What the polite live region announces (ui.js shows it; wording in messages.js): members
// joining and leaving, raised hands, and who gets or loses the floor, ourselves included.
// Announcements that come together (a crowd arriving, a floor handed from one to another)
// are said as one, so none is cut off by the next.

import { announce } from './messages.js';

// A `member-state` about a member known as `before` ({hand, floor}): what to say about it.
// self: it is about us. moderated: the channel's mode gives and takes the floor (in the others
// everybody always has it). Our own raised hand is not news to us.
export function memberStateNews({ before, msg, name, self = false, moderated = false }) {
  const news = [];
  if (!before || !msg) return news;
  if (!self && msg.hand === true && !before.hand) news.push(announce.handRaised(name));
  if (moderated && typeof msg.floor === 'boolean' && msg.floor !== (before.floor !== false)) {
    if (self) news.push(msg.floor ? announce.youHaveFloor() : announce.youLostFloor());
    else news.push(msg.floor ? announce.floorGiven(name) : announce.floorTaken(name));
  }
  return news;
}

// Several announcements as one text: at most `max` sentences, the rest counted.
export function combine(texts, max = 4) {
  if (!texts.length) return '';
  const shown = texts.length <= max ? texts : [...texts.slice(0, max - 1), announce.more(texts.length - max + 1)];
  return `${shown.join('. ')}.`;
}

const realTimers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (id) => clearTimeout(id),
};

// Collects announcements for `delayMs` after the first, then says them together: say(text).
export class Announcer {
  constructor(say, { delayMs = 400, max = 4, timers = realTimers } = {}) {
    this._say = say;
    this._delayMs = delayMs;
    this._max = max;
    this._timers = timers;
    this._pending = [];
    this._timer = 0;
  }

  add(...texts) {
    const news = texts.filter(Boolean);
    if (!news.length) return;
    this._pending.push(...news);
    this._timer ||= this._timers.set(() => this.flush(), this._delayMs);
  }

  flush() {
    if (this._timer) this._timers.clear(this._timer);
    this._timer = 0;
    const text = combine(this._pending, this._max);
    this._pending = [];
    if (text) this._say(text);
  }

  // Drops what was not said yet (the call ended).
  clear() {
    if (this._timer) this._timers.clear(this._timer);
    this._timer = 0;
    this._pending = [];
  }
}
