// Unit tests of web/positional.js, the browser's gain, hearing and direction rules. No browser:
//   node --test tests/web/
// The gain table is the one the server's C++ tests read (tests/data/positional_gain_cases.json),
// so client and server cannot drift apart unnoticed; a brute-force comparison against a literal
// transcription of the spec's formula covers the parameter space between the table's points.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  positionalGain, audibleRange, hearingGain, stereoPan, relativeBearing, distance,
  effectiveReferenceDistance, floorIsModerated, heardEverywhere, wrapAngle, isPositional,
} from '../../web/positional.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const table = JSON.parse(readFileSync(path.join(here, '..', 'data', 'positional_gain_cases.json'), 'utf8'));

const channel = ({ model, ref, max, rollOff }, extra = {}) => ({
  type: 'positional', mode: 'open', distanceModel: model, clampingDistance: ref, maxRange: max, rollOff, ...extra,
});

describe('positionalGain against the shared table', () => {
  assert.ok(table.gain.length > 30, 'the table has its cases');
  for (const c of table.gain) {
    it(`${c.note}: d ${c.distance} → ${c.gain}`, () => {
      const g = positionalGain(channel(c), c.distance);
      assert.ok(Math.abs(g - c.gain) <= table.tolerance, `gain ${g}, table ${c.gain}`);
    });
  }
});

describe('audibleRange against the shared table', () => {
  for (const c of table.range) {
    it(`${c.note}: ${c.range} m`, () => {
      assert.ok(Math.abs(audibleRange(channel(c)) - c.range) <= table.tolerance, `range ${audibleRange(channel(c))}`);
    });
  }
});

// shared/spec/positional-audio.md as written: d' = min(max(d, ref), max), gain 0 beyond max,
// ref at least 1 m for inverse and exponential; plus docs/signalling.md's "when the clamping
// distance is at least the maximum range, every d ≤ max has gain 1" (the spec's "1 when
// max = ref", extended to ref > max, where the formulas would otherwise exceed 1 or go negative).
function specGain(model, clamping, max, r, d) {
  if (d > max) return 0;
  const ref = model === 1 || model === 3 ? Math.max(clamping, 1) : clamping;
  if (ref >= max) return 1;
  const dc = Math.min(Math.max(d, ref), max);
  switch (model) {
    case 0: return 1;
    case 1: return ref / (ref + r * (dc - ref));
    case 2: return Math.max(0, 1 - (r * (dc - ref)) / (max - ref));
    case 3: return (dc / ref) ** -r;
    default: throw new Error(`model ${model}`);
  }
}

describe('positionalGain equals the spec formula everywhere', () => {
  // The module's ranges: distances 0…160 m (whole metres as stored), roll-off 1…4.
  const lengths = [0, 1, 2, 5, 10, 17, 35, 60, 100, 160];
  const rollOffs = [1, 1.25, 2, 2.5, 3, 4];
  for (const model of [0, 1, 2, 3]) {
    it(`model ${model}`, () => {
      let checked = 0;
      let nonTrivial = 0; // strictly between 0 and 1: the formula itself, not a clamp
      for (const ref of lengths) {
        for (const max of lengths) {
          for (const r of rollOffs) {
            const ch = channel({ model, ref, max, rollOff: r });
            const ds = [ref - 1e-9, ref, ref + 1e-9, max - 1e-9, max, max + 1e-9, 1e6];
            for (let d = 0; d <= 200; d += 0.25) ds.push(d);
            for (const d of ds) {
              if (d < 0) continue;
              const want = specGain(model, ref, max, r, d);
              const got = positionalGain(ch, d);
              if (Math.abs(got - want) > 1e-12) {
                assert.fail(`model ${model} ref ${ref} max ${max} r ${r} d ${d}: got ${got}, spec ${want}`);
              }
              assert.ok(got >= 0 && got <= 1, `gain ${got} out of 0…1`);
              checked++;
              if (got > 0 && got < 1) nonTrivial++;
            }
          }
        }
      }
      assert.ok(checked > 100000, `${checked} points`);
      if (model !== 0) assert.ok(nonTrivial > 10000, `only ${nonTrivial} points inside the attenuating part`);
    });
  }

  it('NaN and non-positional channels', () => {
    const ch = channel({ model: 2, ref: 10, max: 60, rollOff: 2 });
    assert.equal(positionalGain(ch, NaN), 0);
    assert.equal(positionalGain({ ...ch, type: 'channel' }, 1000), 1);
    assert.equal(positionalGain({ ...ch, type: 'channel' }, NaN), 1);
    assert.equal(positionalGain(undefined, 5), 1, 'no channelInfo (an older server): full level');
    assert.equal(isPositional({ type: 'dir' }), false);
  });

  it('the gain never rises with distance', () => {
    for (const model of [0, 1, 2, 3]) {
      for (const r of [1, 2, 4]) {
        const ch = channel({ model, ref: 10, max: 60, rollOff: r });
        let prev = Infinity;
        for (let d = 0; d <= 70; d += 0.01) {
          const g = positionalGain(ch, d);
          assert.ok(g <= prev + 1e-15, `model ${model} r ${r}: rises at ${d}`);
          prev = g;
        }
      }
    }
  });
});

describe('audibleRange is where the gain ends', () => {
  it('gain > 0 just inside, 0 just outside, for a grid of channels', () => {
    for (const model of [0, 1, 2, 3]) {
      for (const ref of [0, 1, 5, 10, 40, 60, 100]) {
        for (const max of [0, 1, 10, 35, 60, 160]) {
          for (const r of [1, 1.5, 2, 4]) {
            const ch = channel({ model, ref, max, rollOff: r });
            const range = audibleRange(ch);
            const where = `model ${model} ref ${ref} max ${max} r ${r}: range ${range}`;
            assert.ok(range >= 0 && range <= max, where);
            assert.equal(positionalGain(ch, range + 1e-6), 0, where);
            if (range > 1e-6) assert.ok(positionalGain(ch, range - 1e-6) > 0, where);
          }
        }
      }
    }
  });

  it('the module defaults: 35 m', () => {
    assert.equal(audibleRange(channel({ model: 2, ref: 10, max: 60, rollOff: 2 })), 35);
  });
});

describe('effectiveReferenceDistance', () => {
  it('at least 1 m for inverse and exponential only', () => {
    assert.equal(effectiveReferenceDistance(1, 0), 1);
    assert.equal(effectiveReferenceDistance(3, 0.5), 1);
    assert.equal(effectiveReferenceDistance(3, 7), 7);
    assert.equal(effectiveReferenceDistance(2, 0), 0);
    assert.equal(effectiveReferenceDistance(0, 0), 0);
  });
});

describe('hearingGain (channel modes)', () => {
  const base = channel({ model: 2, ref: 10, max: 60, rollOff: 2 });
  const at = (x, y = 0, z = 0) => ({ x, y, z, yaw: 0 });
  const member = (id, extra = {}) => ({ member: id, role: 'participant', floor: true, ...extra });

  it('by distance in an open positional channel', () => {
    const l = member('L', { position: at(0) });
    assert.equal(hearingGain(base, member('A', { position: at(5) }), l), 1);
    assert.ok(Math.abs(hearingGain(base, member('B', { position: at(20) }), l) - 0.6) < 1e-12);
    assert.ok(Math.abs(hearingGain(base, member('B', { position: at(12, 16) }), l) - 0.6) < 1e-12, '3-4-5: straight-line distance');
    assert.ok(Math.abs(hearingGain(base, member('B', { position: at(0, 0, 20) }), l) - 0.6) < 1e-12, 'height counts');
    assert.equal(hearingGain(base, member('C', { position: at(40) }), l), 0);
  });

  it('nobody hears themselves', () => {
    const me = member('L', { position: at(0) });
    assert.equal(hearingGain(base, me, me), 0);
  });

  it('no position yet: full level both ways', () => {
    assert.equal(hearingGain(base, member('A'), member('L', { position: at(0) })), 1);
    assert.equal(hearingGain(base, member('A', { position: at(100) }), member('L')), 1);
  });

  it('without the floor: silent, in every mode and at any distance', () => {
    for (const mode of ['open', 'lecture', 'presentation', 'auditorium']) {
      const ch = { ...base, mode };
      assert.equal(hearingGain(ch, member('A', { floor: false, position: at(1) }), member('L', { position: at(0) })), 0);
      assert.equal(hearingGain(ch, member('A', { floor: false, role: 'moderator' }), member('L')), 0);
    }
  });

  it('a missing floor (server without modes) counts as having it', () => {
    assert.equal(hearingGain(base, { member: 'A' }, { member: 'L' }), 1);
  });

  it('moderators are heard everywhere in presentation and auditorium only', () => {
    const far = member('M', { role: 'moderator', position: at(1000) });
    const l = member('L', { position: at(0) });
    assert.equal(hearingGain({ ...base, mode: 'presentation' }, far, l), 1);
    assert.equal(hearingGain({ ...base, mode: 'auditorium' }, far, l), 1);
    assert.equal(hearingGain({ ...base, mode: 'lecture' }, far, l), 0);
    assert.equal(hearingGain({ ...base, mode: 'open' }, far, l), 0);
    // A granted participant in a presentation is still heard by distance.
    assert.equal(hearingGain({ ...base, mode: 'presentation' }, member('P', { position: at(1000) }), l), 0);
    assert.ok(heardEverywhere('auditorium', 'moderator'));
    assert.ok(!heardEverywhere('auditorium', 'participant'));
  });

  it('non-positional channels: 1 wherever they stand', () => {
    const ch = { ...base, type: 'channel' };
    assert.equal(hearingGain(ch, member('A', { position: at(5000) }), member('L', { position: at(0) })), 1);
  });

  it('floorIsModerated', () => {
    assert.equal(floorIsModerated('open'), false);
    for (const mode of ['lecture', 'presentation', 'auditorium']) assert.equal(floorIsModerated(mode), true);
    assert.equal(floorIsModerated(undefined), false);
  });
});

describe('direction', () => {
  const ch = channel({ model: 2, ref: 10, max: 60, rollOff: 2 });
  const near = (a, b) => Math.abs(a - b) < 1e-12;
  const L = (yaw) => ({ x: 100, y: 100, z: 20, yaw });
  const S = (dx, dy) => ({ x: 100 + dx, y: 100 + dy, z: 20, yaw: 0 });

  it('facing east (yaw 0): east is ahead, north is left, south is right', () => {
    assert.equal(stereoPan(ch, L(0), S(25, 0)), 0);
    assert.ok(near(stereoPan(ch, L(0), S(0, 5)), -1), 'north: hard left');
    assert.ok(near(stereoPan(ch, L(0), S(0, -5)), 1), 'south: hard right');
    assert.ok(near(stereoPan(ch, L(0), S(5, 5)), -Math.SQRT1_2), 'north-east: half left');
  });

  it('facing north (yaw π/2): east is right, west is left', () => {
    assert.ok(near(stereoPan(ch, L(Math.PI / 2), S(5, 0)), 1));
    assert.ok(near(stereoPan(ch, L(Math.PI / 2), S(-5, 0)), -1));
    assert.ok(Math.abs(stereoPan(ch, L(Math.PI / 2), S(0, 5))) < 1e-12, 'ahead');
  });

  it('behind sounds like in front (stereo cannot tell them apart)', () => {
    assert.ok(Math.abs(stereoPan(ch, L(0), S(-5, 0))) < 1e-12);
    assert.ok(near(relativeBearing(L(0), S(-5, 0)), Math.PI));
  });

  it('a yaw wound many times round means the same heading', () => {
    assert.ok(near(stereoPan(ch, L(Math.PI / 2 + 8 * Math.PI), S(5, 0)), 1));
    assert.ok(near(stereoPan(ch, L(-3 * Math.PI / 2), S(5, 0)), 1));
  });

  it('no direction: same spot, missing position, or a non-positional channel', () => {
    assert.equal(stereoPan(ch, L(0), S(0, 0)), 0);
    assert.equal(relativeBearing(L(0), S(0, 0)), null);
    assert.equal(stereoPan(ch, L(0), null), 0);
    assert.equal(stereoPan({ ...ch, type: 'channel' }, L(0), S(0, 5)), 0);
    assert.ok(!Object.is(stereoPan(ch, L(0), S(25, 0)), -0));
  });

  it('height changes distance, not direction', () => {
    assert.equal(distance({ x: 0, y: 0, z: 0 }, { x: 3, y: 4, z: 12 }), 13);
    assert.ok(near(stereoPan(ch, L(0), { x: 100, y: 105, z: 80 }), -1));
  });

  it('wrapAngle lands in (−π, π]', () => {
    for (let a = -20; a <= 20; a += 0.1) {
      const w = wrapAngle(a);
      assert.ok(w > -Math.PI - 1e-12 && w <= Math.PI + 1e-12, `${a} → ${w}`);
      assert.ok(Math.abs(Math.cos(w) - Math.cos(a)) < 1e-9 && Math.abs(Math.sin(w) - Math.sin(a)) < 1e-9);
    }
    assert.ok(near(wrapAngle(Math.PI), Math.PI));
    assert.ok(near(wrapAngle(-Math.PI), Math.PI));
  });
});
