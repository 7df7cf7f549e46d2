// Positional audio: how loud, and from which side, one member hears another.
//
// The same rules as the server's src/core/positional_gain.cpp and src/core/hearing.cpp
// (shared/spec/positional-audio.md, docs/signalling.md "Positions and hearing"), kept
// identical in meaning: tests/web/positional.test.mjs checks both against one table,
// tests/data/positional_gain_cases.json. The server decides *whom* a member hears (the
// `audible` list) and whom it sends to; the client computes *how loud* from the positions.
//
// channelInfo is `joined.channelInfo`: {type, mode, distanceModel, rollOff, maxRange,
// clampingDistance}. Positions are {x, y, z, yaw}: region metres, x east, y north, z up; yaw in
// radians counter-clockwise from east.

export const DistanceModel = Object.freeze({ NONE: 0, INVERSE: 1, LINEAR: 2, EXPONENTIAL: 3 });

export function isPositional(channelInfo) {
  // A server that predates channelInfo sends none: everyone at full level, as before.
  return channelInfo?.type === 'positional';
}

// The clamping distance the inverse and exponential models use: at least 1 m, because 0 would
// make every gain 0 (inverse) or undefined (exponential).
export function effectiveReferenceDistance(model, clampingDistance) {
  const dividesByReference = model === DistanceModel.INVERSE || model === DistanceModel.EXPONENTIAL;
  return dividesByReference ? Math.max(clampingDistance, 1) : clampingDistance;
}

// 0…1 for a speaker `distance` metres away. Beyond the maximum range 0, which also means the
// speaker does not send to this listener. Non-positional channels: 1 at any distance.
export function positionalGain(channelInfo, distance) {
  if (!isPositional(channelInfo)) return 1;
  const max = channelInfo.maxRange;
  if (!(distance <= max)) return 0; // also NaN
  const model = channelInfo.distanceModel;
  if (model === DistanceModel.NONE) return 1;
  const ref = effectiveReferenceDistance(model, channelInfo.clampingDistance);
  // Within the clamping distance there is no attenuation. Past it ref < d ≤ max, so the
  // spec's clamped distance d' is d itself and max − ref cannot be 0.
  if (distance <= ref) return 1;
  const r = channelInfo.rollOff;
  switch (model) {
    case DistanceModel.LINEAR:
      return Math.max(0, 1 - (r * (distance - ref)) / (max - ref));
    case DistanceModel.INVERSE:
      return ref / (ref + r * (distance - ref));
    case DistanceModel.EXPONENTIAL:
      return (distance / ref) ** -r;
    default:
      return 1; // an unknown model from a newer server: do not silence anyone over it
  }
}

// The distance from which the gain is 0: where the linear model falls silent, else the maximum
// range. What the mini-map draws as the audible circle.
export function audibleRange(channelInfo) {
  const max = channelInfo.maxRange;
  if (!isPositional(channelInfo) || channelInfo.distanceModel !== DistanceModel.LINEAR) return max;
  const ref = channelInfo.clampingDistance;
  if (ref >= max) return max;
  return Math.min(max, ref + (max - ref) / channelInfo.rollOff);
}

export function distance(a, b) {
  return Math.hypot(a.x - b.x, a.y - b.y, (a.z ?? 0) - (b.z ?? 0));
}

// ── channel modes (docs/signalling.md, "Channel modes") ──

// Whether a moderator grants and takes back the floor in this mode (not in open channels,
// where everyone speaks): the modes in which a participant may raise a hand.
export function floorIsModerated(mode) {
  return !!mode && mode !== 'open';
}

// Heard at full level by the whole channel, wherever it stands.
export function heardEverywhere(mode, role) {
  return role === 'moderator' && (mode === 'presentation' || mode === 'auditorium');
}

// How loud `speaker` is for `listener`, 0…1; 0 means not heard. Members are
// {member, role, floor, position}; `floor` missing counts as true (a server without modes),
// `position` missing means "not reported yet": heard and hearing at full level.
export function hearingGain(channelInfo, speaker, listener) {
  if (speaker.member === listener.member || speaker.floor === false) return 0;
  if (heardEverywhere(channelInfo?.mode, speaker.role)) return 1;
  if (!speaker.position || !listener.position) return 1;
  return positionalGain(channelInfo, distance(speaker.position, listener.position));
}

// ── direction ──

// Where the speaker is, seen from the listener: radians counter-clockwise from straight ahead
// (0 ahead, π/2 to the left, −π/2 to the right), in (−π, π]. null when they stand on one spot
// (no direction) or a position is missing.
export function relativeBearing(listener, speaker) {
  if (!listener || !speaker) return null;
  const dx = speaker.x - listener.x;
  const dy = speaker.y - listener.y;
  if (Math.hypot(dx, dy) < 1e-6) return null;
  return wrapAngle(Math.atan2(dy, dx) - (listener.yaw ?? 0));
}

// Stereo pan, −1 (left) … +1 (right), as StereoPannerNode takes it. Sounds from behind are
// placed like their mirror image in front: two channels cannot tell front from back.
export function stereoPan(channelInfo, listener, speaker) {
  if (!isPositional(channelInfo)) return 0;
  const bearing = relativeBearing(listener, speaker);
  return bearing === null ? 0 : clampPan(-Math.sin(bearing));
}

export function wrapAngle(radians) {
  const turn = 2 * Math.PI;
  let a = ((radians % turn) + turn) % turn; // [0, 2π)
  if (a > Math.PI) a -= turn;
  return a;
}

function clampPan(p) {
  // −sin can overshoot ±1 by a rounding error; StereoPannerNode would clamp it anyway.
  return Math.max(-1, Math.min(1, p === 0 ? 0 : p)); // no −0 in read-outs
}
