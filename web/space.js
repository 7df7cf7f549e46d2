// What this client knows about the channel it is in, beyond the member list: where everyone
// stands, who may speak (floor, hands, roles) and who hears whom. Fed from `joined`,
// `member-joined`, `member-left`, `member-state` and `positions` (docs/signalling.md); answers
// how loud and from which side to play each member, and whom to send our voice to.
//
// The server decides who hears whom and tells us as `audible` and `listeners`; we compute the
// loudness ourselves from the positions (web/positional.js), as the protocol asks. A server
// that sends neither list (one that predates positional audio) leaves both null: everyone
// hears everyone, as before.
//
// Emits `change` (no detail) after every update that may change gains, directions, sending or
// what the map shows.

import { hearingGain, stereoPan, isPositional, floorIsModerated } from './positional.js';

export class ChannelSpace extends EventTarget {
  constructor({ selfId, channelInfo }) {
    super();
    this.channelInfo = channelInfo ?? null;
    // {member, role, floor, hand, position: {x, y, z, yaw} | null, source: 'client'|'world'|null}
    this.self = blankMember(selfId);
    this.others = new Map();
    this.audible = null; // Set of member ids we hear, or null: not told (hear everyone)
    this.listeners = null; // Set of member ids that hear us, or null: not told (send to all)
    this.worldAt = 0; // performance.now() of the last position the world gave us
  }

  get positional() {
    return isPositional(this.channelInfo);
  }

  get mode() {
    return this.channelInfo?.mode ?? 'open';
  }

  get floorModerated() {
    return floorIsModerated(this.mode);
  }

  get isModerator() {
    return this.self.role === 'moderator';
  }

  applyJoined(msg) {
    applyMember(this.self, msg.self ?? {});
    if (this.self.source === 'world') this.worldAt = performance.now();
    for (const m of msg.members ?? []) this.upsert(m, { quiet: true });
    this._applyLists(msg);
    this._changed();
  }

  upsert(m, { quiet = false } = {}) {
    if (!m?.member) return;
    if (m.member === this.self.member) {
      applyMember(this.self, m);
    } else {
      let known = this.others.get(m.member);
      if (!known) this.others.set(m.member, (known = blankMember(m.member)));
      applyMember(known, m);
    }
    if (!quiet) this._changed();
  }

  remove(id) {
    if (!this.others.delete(id)) return;
    this._changed();
  }

  // member-state: only the fields present change (muted/speaking are the app's business).
  applyMemberState(msg) {
    const target = msg.member === this.self.member ? this.self : this.others.get(msg.member);
    if (!target) return false;
    let changed = false;
    for (const key of ['floor', 'hand', 'operatorMuted']) {
      if (typeof msg[key] === 'boolean' && target[key] !== msg[key]) {
        target[key] = msg[key];
        changed = true;
      }
    }
    if (changed) this._changed();
    return changed;
  }

  applyPositions(msg) {
    for (const p of msg.members ?? []) {
      if (!p?.member) continue;
      const position = parsePosition(p);
      if (!position) continue;
      if (p.member === this.self.member) {
        this.self.position = position;
        this.self.source = p.source ?? 'client';
        if (this.self.source === 'world') this.worldAt = performance.now();
      } else {
        // A position may overtake the member-joined it belongs to: keep it for then.
        let known = this.others.get(p.member);
        if (!known) this.others.set(p.member, (known = blankMember(p.member)));
        known.position = position;
        known.source = p.source ?? 'client';
      }
    }
    this._applyLists(msg);
    this._changed();
  }

  // Our own position as we report it (dragging, keys, the default spot).
  setOwnPosition(position) {
    this.self.position = { ...position };
    this.self.source = 'client';
    this._changed();
  }

  // The world (an in-world HUD) places us; what we send is ignored meanwhile. The server gives
  // world positions precedence for a limited time (10 s after the last one), after which the
  // client's own count again, so "placed by the world" lapses a little after that.
  placedByWorld(now = performance.now()) {
    return this.self.source === 'world' && now - this.worldAt < WORLD_HOLD_MS;
  }

  // How loud member `id` plays here, 0…1. A member the grid's operator muted is silent: in a
  // mesh the server carries no audio, so every client drops it (docs/admin.md).
  gainFor(id) {
    const speaker = this.others.get(id);
    if (!speaker) return this.audible ? 0 : 1;
    if (speaker.operatorMuted) return 0;
    if (this.audible && !this.audible.has(id)) return 0;
    return hearingGain(this.channelInfo, speaker, this.self);
  }

  // −1 (left) … +1 (right).
  panFor(id) {
    const speaker = this.others.get(id);
    return speaker ? stereoPan(this.channelInfo, this.self.position, speaker.position) : 0;
  }

  hears(id) {
    return this.gainFor(id) > 0;
  }

  // Whether our microphone goes to member `id`: only to members that hear us, and to no one
  // while the channel's mode does not give us the floor.
  sendsTo(id) {
    if (this.self.floor === false || this.self.operatorMuted) return false;
    return this.listeners ? this.listeners.has(id) : true;
  }

  // Whether our microphone goes out at all (server-forwarded voice: to the server, which
  // forwards it to our listeners): not without the floor, nor while nobody hears us.
  sendsToAnyone() {
    if (this.self.floor === false || this.self.operatorMuted) return false;
    return this.listeners ? this.listeners.size > 0 : true;
  }

  _applyLists(msg) {
    if (Array.isArray(msg.audible)) this.audible = new Set(msg.audible);
    if (Array.isArray(msg.listeners)) this.listeners = new Set(msg.listeners);
  }

  _changed() {
    this.dispatchEvent(new Event('change'));
  }
}

const WORLD_HOLD_MS = 12000;

function blankMember(member) {
  return { member, role: 'participant', floor: true, hand: false, operatorMuted: false, position: null, source: null };
}

function applyMember(target, m) {
  if (m.role === 'moderator' || m.role === 'participant') target.role = m.role;
  if (typeof m.floor === 'boolean') target.floor = m.floor;
  if (typeof m.hand === 'boolean') target.hand = m.hand;
  if (typeof m.operatorMuted === 'boolean') target.operatorMuted = m.operatorMuted;
  const position = m.position ? parsePosition(m.position) : null;
  if (position) {
    target.position = position;
    target.source = m.position.source ?? 'client';
  }
}

function parsePosition(p) {
  const x = Number(p.x), y = Number(p.y), z = Number(p.z ?? 0), yaw = Number(p.yaw ?? 0);
  if (![x, y, z, yaw].every(Number.isFinite)) return null;
  return { x, y, z, yaw };
}
