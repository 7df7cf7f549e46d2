// Unit tests of web/space.js (what the client makes of `joined`, `positions`, `member-state`)
// and web/position-reporter.js (when it sends `position`). No browser:  node --test tests/web/

import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { ChannelSpace } from '../../web/space.js';
import { PositionReporter, MIN_INTERVAL_MS } from '../../web/position-reporter.js';

const positional = { type: 'positional', mode: 'open', distanceModel: 2, rollOff: 2, maxRange: 60, clampingDistance: 10 };
const member = (id, extra = {}) => ({ member: id, account: `acct-${id}`, name: id, muted: false, speaking: false, role: 'participant', floor: true, hand: false, ...extra });
const pos = (x, y = 0, extra = {}) => ({ x, y, z: 0, yaw: 0, ...extra });

function joined(extra = {}) {
  return {
    type: 'joined', channel: 'sip:confctl-1@r', channelInfo: positional,
    self: member('L', { position: { ...pos(100, 100), source: 'client' } }),
    members: [member('A', { position: { ...pos(105, 100), source: 'client' } }), member('B')],
    audible: ['A', 'B'], listeners: ['A', 'B'],
    ...extra,
  };
}

function space(msg = joined()) {
  const s = new ChannelSpace({ selfId: 'L', channelInfo: msg.channelInfo });
  s.applyJoined(msg);
  return s;
}

describe('ChannelSpace', () => {
  it('takes roles, floors, positions and lists from joined', () => {
    const s = space();
    assert.deepEqual(s.self.position, pos(100, 100));
    assert.deepEqual(s.others.get('A').position, pos(105, 100));
    assert.equal(s.others.get('B').position, null);
    assert.equal(s.gainFor('A'), 1);
    assert.equal(s.gainFor('B'), 1, 'no position yet: full level');
    assert.ok(s.sendsTo('A') && s.sendsTo('B'));
    assert.ok(s.positional);
  });

  it('applies position deltas and the complete audible and listener lists', () => {
    const s = space();
    let changes = 0;
    s.addEventListener('change', () => changes++);
    s.applyPositions({ type: 'positions', members: [{ member: 'B', ...pos(120, 100), source: 'client' }], audible: ['A', 'B'], listeners: ['A'] });
    assert.equal(changes, 1);
    assert.ok(Math.abs(s.gainFor('B') - 0.6) < 1e-12);
    assert.ok(s.sendsTo('A'));
    assert.equal(s.sendsTo('B'), false, 'B does not hear us: no voice to B');
    // B walks out of range: the server drops it from audible; the lists are complete, not deltas.
    s.applyPositions({ type: 'positions', members: [{ member: 'B', ...pos(140, 100) }], audible: ['A'] });
    assert.equal(s.gainFor('B'), 0);
    assert.equal(s.hears('B'), false);
    assert.equal(s.sendsTo('B'), false, 'listeners stay as last told');
  });

  it('the server\'s audible list wins over our own arithmetic', () => {
    const s = space();
    s.applyPositions({ members: [], audible: ['B'] });
    assert.equal(s.gainFor('A'), 0, 'A is 5 m away but the server says we do not hear it');
  });

  it('keeps a position that overtakes its member-joined', () => {
    const s = space();
    s.applyPositions({ members: [{ member: 'C', ...pos(110, 100) }], audible: ['A', 'B', 'C'] });
    s.upsert(member('C'));
    assert.deepEqual(s.others.get('C').position, pos(110, 100));
    assert.equal(s.gainFor('C'), 1);
  });

  it('our own position from the world places us and disables our own', () => {
    const s = space();
    assert.equal(s.placedByWorld(), false);
    s.applyPositions({ members: [{ member: 'L', ...pos(50, 60), source: 'world' }] });
    assert.deepEqual(s.self.position, pos(50, 60));
    assert.equal(s.placedByWorld(), true);
    assert.equal(s.placedByWorld(performance.now() + 60000), false, 'a silent world lapses');
  });

  it('floor and hand from member-state, ours included', () => {
    const s = space(joined({ channelInfo: { ...positional, mode: 'lecture' }, self: member('L', { floor: false }) }));
    assert.ok(s.floorModerated);
    assert.equal(s.sendsTo('A'), false, 'without the floor we send to nobody');
    assert.equal(s.applyMemberState({ member: 'L', floor: true }), true);
    assert.ok(s.sendsTo('A'));
    s.applyMemberState({ member: 'A', hand: true });
    assert.equal(s.others.get('A').hand, true);
    s.applyMemberState({ member: 'A', floor: false, muted: true });
    assert.equal(s.gainFor('A'), 0);
    assert.equal(s.applyMemberState({ member: 'nobody', floor: true }), false);
  });

  it('a server without positional audio: everyone hears everyone', () => {
    const s = new ChannelSpace({ selfId: 'L', channelInfo: undefined });
    s.applyJoined({ self: { member: 'L' }, members: [{ member: 'A' }] });
    assert.equal(s.audible, null);
    assert.equal(s.gainFor('A'), 1);
    assert.ok(s.sendsTo('A'));
    assert.equal(s.positional, false);
  });

  it('pans by bearing from our heading', () => {
    const s = space();
    s.applyPositions({ members: [{ member: 'B', ...pos(100, 110) }] }); // north of us, we face east
    assert.ok(Math.abs(s.panFor('B') + 1) < 1e-12, 'hard left');
    s.setOwnPosition({ ...pos(100, 100), yaw: Math.PI / 2 }); // now facing north
    assert.ok(Math.abs(s.panFor('B')) < 1e-12, 'ahead');
    assert.ok(Math.abs(s.panFor('A') - 1) < 1e-12, 'A (east) is now on the right');
  });
});
describe('ChannelSpace and the grid operator\'s mute (docs/admin.md)', () => {
  it('a member the operator muted plays silent, and comes back when unmuted', () => {
    const s = space();
    assert.ok(s.gainFor('B') > 0);
    s.applyMemberState({ type: 'member-state', member: 'B', operatorMuted: true });
    assert.equal(s.gainFor('B'), 0);
    s.applyMemberState({ type: 'member-state', member: 'B', operatorMuted: false });
    assert.ok(s.gainFor('B') > 0);
  });

  it('while we are muted by the operator our voice goes to no one', () => {
    const s = space(joined({ self: member('L', { operatorMuted: true }) }));
    assert.equal(s.sendsToAnyone(), false);
    assert.equal(s.sendsTo('A'), false);
    s.applyMemberState({ type: 'member-state', member: 'L', operatorMuted: false });
    assert.equal(s.sendsTo('A'), true);
  });
});


describe('PositionReporter', () => {
  function setup() {
    mock.timers.enable({ apis: ['setTimeout'] });
    let now = 0;
    const sent = [];
    const r = new PositionReporter((p) => sent.push({ at: now, ...p }), { now: () => now });
    const advance = (ms) => {
      now += ms;
      mock.timers.tick(ms);
    };
    return { r, sent, advance };
  }

  it('sends at most every 100 ms, and the last position of a burst', (t) => {
    const { r, sent, advance } = setup();
    t.after(() => mock.timers.reset());
    for (let i = 0; i < 50; i++) {
      r.report(pos(100 + i * 0.2, 100));
      advance(10);
    }
    advance(200);
    assert.ok(sent.length >= 5 && sent.length <= 6, `${sent.length} sends in 0.7 s`);
    for (let i = 1; i < sent.length; i++) assert.ok(sent[i].at - sent[i - 1].at >= MIN_INTERVAL_MS, 'spaced by 100 ms');
    assert.equal(sent.at(-1).x, 100 + 49 * 0.2, 'ends where the drag ended');
  });

  it('does not send tiny moves, unless forced', (t) => {
    const { r, sent, advance } = setup();
    t.after(() => mock.timers.reset());
    r.report(pos(100, 100));
    advance(500);
    r.report(pos(100.03, 100));
    r.report({ ...pos(100, 100), yaw: 0.01 });
    advance(500);
    assert.equal(sent.length, 1, 'under 5 cm and under 1°: nothing');
    r.report({ ...pos(100, 100), yaw: 0.02 });
    advance(500);
    assert.equal(sent.length, 2, 'over 1°');
    r.report({ ...pos(100, 100), yaw: 0.02 }, { force: true });
    assert.equal(sent.length, 3, 'forced: sent at once although it did not move');
    r.report({ ...pos(100, 100), yaw: 0.02 }, { force: true });
    assert.equal(sent.length, 3, 'but still within the rate limit');
    advance(MIN_INTERVAL_MS);
    assert.equal(sent.length, 4, 'the second goes out when its turn comes');
  });

  it('drops a pending move when we come back before it was sent', (t) => {
    const { r, sent, advance } = setup();
    t.after(() => mock.timers.reset());
    r.report(pos(100, 100));
    r.report(pos(101, 100)); // pending: within 100 ms of the first
    r.report(pos(100.01, 100)); // back where the server has us
    advance(500);
    assert.equal(sent.length, 1);
  });
});
