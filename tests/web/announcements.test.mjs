// web/announcements.js: what the polite live region says about joins, leaves, raised hands and
// the floor, and how announcements that come together are said as one.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { memberStateNews, combine, Announcer } from '../../web/announcements.js';
import { announce } from '../../web/messages.js';

const news = (before, msg, extra = {}) => memberStateNews({ before, msg, name: 'Ana', moderated: true, ...extra });

describe('memberStateNews', () => {
  it('a raised hand is news; a lowered one, or one raised already, is not', () => {
    assert.deepEqual(news({ hand: false, floor: false }, { member: 'a', hand: true }), ['Ana raised their hand']);
    assert.deepEqual(news({ hand: true, floor: false }, { member: 'a', hand: true }), []);
    assert.deepEqual(news({ hand: true, floor: false }, { member: 'a', hand: false }), []);
  });

  it('our own raised hand is not news to us', () => {
    assert.deepEqual(news({ hand: false, floor: false }, { member: 'me', hand: true }, { self: true }), []);
  });

  it('the floor given and taken, by name, in moderated channels', () => {
    assert.deepEqual(news({ hand: true, floor: false }, { member: 'a', hand: false, floor: true }), ['Ana has the floor']);
    assert.deepEqual(news({ hand: false, floor: true }, { member: 'a', floor: false }), ['Ana no longer has the floor']);
    assert.deepEqual(news({ hand: false, floor: true }, { member: 'a', floor: true }), []);
    // In an open channel everybody speaks: floor flags are not news.
    assert.deepEqual(news({ hand: false, floor: true }, { member: 'a', floor: false }, { moderated: false }), []);
  });

  it('our own floor, in the second person', () => {
    assert.deepEqual(news({ hand: true, floor: false }, { member: 'me', floor: true, hand: false }, { self: true }),
      ['You have the floor: the channel hears you']);
    assert.deepEqual(news({ floor: true }, { member: 'me', floor: false }, { self: true }), ['You no longer have the floor']);
  });

  it('a raised hand and a floor change at once are both said', () => {
    assert.deepEqual(news({ hand: false, floor: true }, { member: 'a', hand: true, floor: false }),
      ['Ana raised their hand', 'Ana no longer has the floor']);
  });

  it('nothing about a member we do not know, or no message', () => {
    assert.deepEqual(news(undefined, { member: 'x', hand: true }), []);
    assert.deepEqual(news({ hand: false }, null), []);
  });

  it('joins and leaves read by name', () => {
    assert.equal(announce.joined('Ben'), 'Ben joined');
    assert.equal(announce.left('Ben'), 'Ben left');
  });
});

describe('combine', () => {
  it('joins sentences, and counts the rest beyond max', () => {
    assert.equal(combine([]), '');
    assert.equal(combine(['Ana joined']), 'Ana joined.');
    assert.equal(combine(['Ana joined', 'Ben joined']), 'Ana joined. Ben joined.');
    assert.equal(combine(['a', 'b', 'c', 'd'], 4), 'a. b. c. d.');
    assert.equal(combine(['a', 'b', 'c', 'd', 'e'], 4), 'a. b. c. and 2 more changes.');
    assert.equal(combine(['a', 'b', 'c'], 2), 'a. and 2 more changes.');
    assert.equal(announce.more(1), 'and 1 more change');
  });
});

describe('Announcer', () => {
  function fakeTimers() {
    const t = { pending: new Map(), id: 0 };
    t.set = (fn) => { t.pending.set(++t.id, fn); return t.id; };
    t.clear = (id) => t.pending.delete(id);
    t.fire = () => { const fns = [...t.pending.values()]; t.pending.clear(); for (const fn of fns) fn(); };
    return t;
  }

  it('says what came together as one text, once', () => {
    const said = [];
    const timers = fakeTimers();
    const a = new Announcer((text) => said.push(text), { timers });
    a.add('Ana joined');
    a.add('Ben joined', '', null);
    assert.equal(timers.pending.size, 1, 'one timer for the batch');
    assert.deepEqual(said, []);
    timers.fire();
    assert.deepEqual(said, ['Ana joined. Ben joined.']);
    timers.fire();
    assert.equal(said.length, 1);
  });

  it('nothing to say starts no timer; clear drops what was pending', () => {
    const said = [];
    const timers = fakeTimers();
    const a = new Announcer((text) => said.push(text), { timers });
    a.add();
    a.add('', undefined);
    assert.equal(timers.pending.size, 0);
    a.add('Ana left');
    a.clear();
    assert.equal(timers.pending.size, 0);
    timers.fire();
    a.flush();
    assert.deepEqual(said, []);
  });
});
