// The viewer's side of the SLData data channel (shared/spec/viewer-webrtc.md §4), pure: what it
// sends (llvoicewebrtc.cpp sendJoin, the position update, ug/m) and how it reads what the server
// sends (LLVoiceWebRTCConnection::OnDataReceivedImpl), for the emulator page and node tests.

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

// LLUUID(text): a UUID, or the null UUID for anything it cannot parse.
export function parseAgentId(text) {
  return UUID.test(text) ? text.toLowerCase() : NIL_UUID;
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// ── viewer → server ──

// {"j":{}} or {"j":{"p":true}} (sendJoin: "p" only when primary).
export function joinMessage(primary) {
  return JSON.stringify({ j: primary ? { p: true } : {} });
}

// Global metres → the viewer's integer centimetres ((S32)(v * 100): truncation toward 0).
export function centimetres({ x, y, z }) {
  return { x: Math.trunc(x * 100), y: Math.trunc(y * 100), z: Math.trunc(z * 100) };
}

// A rotation about the vertical axis by `yawDegrees` (counter-clockwise seen from above,
// 0 = facing east, the LL camera's +X) as LL's quaternion (x, y, z, w) × 100, truncated.
export function yawQuaternion(yawDegrees) {
  const half = (yawDegrees * Math.PI) / 360;
  return { x: 0, y: 0, z: Math.trunc(Math.sin(half) * 100), w: Math.trunc(Math.cos(half) * 100) };
}

export function quaternion100({ x, y, z, w }) {
  return { x: Math.trunc(x * 100), y: Math.trunc(y * 100), z: Math.trunc(z * 100), w: Math.trunc(w * 100) };
}

// sp/sh/lp/lh always travel together in one object.
export function positionMessage({ sp, sh, lp, lh }) {
  return JSON.stringify({ sp, sh, lp, lh });
}

// {"ug":{"<agent>": volume × 220}} from the volume slider (PEER_GAIN_CONVERSION_FACTOR).
export function userGainMessage(agentId, volume) {
  return JSON.stringify({ ug: { [agentId]: Math.trunc(volume * 220) >>> 0 } });
}

export function muteMessage(agentId, muted) {
  return JSON.stringify({ m: { [agentId]: Boolean(muted) } });
}

// ── server → viewer ──

// Applies one received message to `roster` (Map agent → participant) the way
// OnDataReceivedImpl does, and returns what the viewer would send back (the `m`/`ug` reply for
// joining peers it has muted or set a volume for), or null.
//   roster entries: {joined, primary, level, speaking, moderatorMuted}
//   ctx: {self, spatial, mutes: Map agent → bool, volumes: Map agent → 0…1, version: {value}}
export function applyServerMessage(text, binary, roster, ctx) {
  if (binary) return { ignored: 'binary' };
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ignored: 'json' };
  }
  if (!isObject(parsed)) return { ignored: 'not an object' };
  const mute = {};
  const userGain = {};
  for (const [key, value] of Object.entries(parsed)) {
    const agent = parseAgentId(key);
    if (agent === NIL_UUID) continue; // "probably a test client"
    if (!isObject(value)) continue;
    let participant = roster.get(agent);
    let joined = false;
    let primary = false;
    if (isObject(value.j)) {
      joined = true;
      if (typeof value.j.p === 'boolean') primary = value.j.p;
      if (ctx.mutes?.get(agent)) mute[key] = true;
      if (ctx.volumes?.has(agent)) userGain[key] = Math.trunc(ctx.volumes.get(agent) * 200) >>> 0;
    }
    if (!participant && joined && (primary || !ctx.spatial)) {
      participant = { joined: true, primary, level: 0, speaking: false, moderatorMuted: false };
      roster.set(agent, participant);
    }
    // Firestorm: the server version, from the entry for the own agent only.
    if (agent === ctx.self && typeof value.V === 'string' && ctx.version) ctx.version.value = value.V;
    if (!participant) continue;
    if (typeof value.l === 'boolean' && value.l) {
      if (agent !== ctx.self) roster.delete(agent);
      continue;
    }
    if (typeof value.p === 'number') participant.level = Math.trunc(value.p) / 128;
    if (typeof value.v === 'boolean') participant.speaking = value.v;
    if (typeof value.m === 'boolean') participant.moderatorMuted = value.m;
  }
  const reply = {};
  if (Object.keys(mute).length) reply.m = mute;
  if (Object.keys(userGain).length) reply.ug = userGain;
  return Object.keys(reply).length ? { reply: JSON.stringify(reply) } : {};
}
