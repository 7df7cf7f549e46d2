// window.webvox: everything the UI does, callable from end-to-end tests and the console, plus
// read-outs of state, audio levels and RTP counters. Documented in README.md.

import { FLOOR_DB } from './audio.js';

// call() is the Call we are in (call.js) or null; minimap the MiniMap; bannerCode() the code of
// the banner on show; actions what the UI can do (app.js).
export function installApi({ sig, audio, mic, session, call, reporter, minimap, bannerCode, actions }) {
  // What the page state reads from the call we are in; also for tests that look inside.
  const app = {
    get channel() { return session.state.channel; },
    get space() { return call()?.space ?? null; },
    get members() { return call()?.members ?? new Map(); },
    get sfu() { return call()?.sfu ?? null; },
    get mesh() { return call()?.mesh ?? null; },
  };
  window.webvox = {
    ...actions,

    state() {
      const w = sig.welcome;
      const track = mic.track;
      return {
        signalling: sig.state,
        channel: app.channel,
        self: w?.member ?? null,
        account: w?.account ?? null,
        name: w?.name ?? null,
        muted: mic.muted,
        speaking: call()?.speaking ?? false,
        audioContext: audio.ctx?.state ?? 'none',
        mic: track ? { label: track.label, deviceId: mic.deviceId, enabled: track.enabled } : null,
        error: bannerCode(),
        channelInfo: app.space?.channelInfo ?? null,
        role: app.space?.self.role ?? null,
        floor: app.space ? app.space.self.floor !== false : null,
        hand: app.space?.self.hand ?? null,
        members: [...app.members.values()].map((m) => {
          const s = app.space?.others.get(m.member);
          return {
            member: m.member,
            account: m.account,
            name: m.name,
            muted: m.muted,
            speaking: m.heard,
            reportedSpeaking: m.speaking,
            // Server-forwarded: everyone is reached through the one connection to the server.
            connectionState: app.sfu?.connectionState ?? app.mesh?.get(m.member)?.connectionState ?? 'new',
            role: s?.role ?? 'participant',
            floor: s ? s.floor !== false : true,
            hand: !!s?.hand,
          };
        }),
      };
    },

    // What this page knows of where everyone stands, and what it makes of it: per member the
    // gain (0…1) and pan (−1 left … +1 right) it plays them at.
    positions() {
      const space = app.space;
      if (!space) return null;
      return {
        self: { member: space.self.member, ...(space.self.position ?? {}), source: space.self.source, placedByWorld: space.placedByWorld() },
        members: [...space.others.values()].filter((o) => app.members.has(o.member)).map((o) => ({
          member: o.member,
          account: app.members.get(o.member)?.account ?? '',
          position: o.position ? { ...o.position, source: o.source } : null,
          gain: round4(space.gainFor(o.member)),
          pan: round4(space.panFor(o.member)),
        })),
        positionsSent: reporter.sentCount,
      };
    },

    // The server's lists: whom we hear, who hears us (null: the server did not say).
    audible() {
      return app.space?.audible ? [...app.space.audible] : null;
    },

    listeners() {
      return app.space?.listeners ? [...app.space.listeners] : null;
    },

    // How voice travels in the channel we are in: 'mesh' (peer to peer), 'sfu' (through the
    // server), null outside a channel.
    forwarding() {
      if (app.sfu) return 'sfu';
      return app.mesh ? 'mesh' : null;
    },

    // Server-forwarded voice: {mid: member id | null} of the receive slots, as the server's
    // latest `slots` table says; null in a mesh or outside a channel.
    slots() {
      return app.sfu ? app.sfu.table() : null;
    },

    // {member: dBFS} of what this page plays for each member: after distance, direction and
    // volume, both output channels' power together. Silence reads -200 (also for a member on
    // no receive slot, with server-forwarded voice).
    heardLevels() {
      const out = {};
      for (const id of app.members.keys()) out[id] = round1(audio.heardLevel(id));
      return out;
    },

    // {member: {bytesSent, bytesReceived}}: the audio RTP counters of the connection with each
    // member (getStats outbound-rtp / inbound-rtp).
    // Server-forwarded: {sfu: {bytesSent, bytesReceived, sending}, member: {bytesReceived, slot}}
    // where a member's bytes are those its slots received while it was on them.
    async rtpCounters() {
      if (app.sfu) {
        const { sfu, members } = await app.sfu.counters();
        const out = { sfu };
        for (const id of app.members.keys()) out[id] = members[id] ?? { bytesReceived: 0, slot: null };
        return out;
      }
      const peers = [...(app.mesh?.peers.values() ?? [])];
      const entries = await Promise.all(peers.map(async (peer) => {
        const s = await audioStats(peer.pc);
        return [peer.member, { bytesSent: s.outboundBytes, bytesReceived: s.inboundBytes, sending: !!senderTrack(peer.pc) }];
      }));
      return Object.fromEntries(entries);
    },

    // Test hook: where the region point {x, y} is on the mini-map now, in viewport CSS pixels
    // (a pointer event's clientX / clientY there), or null while the map shows nothing. Lets a
    // test drag with real pointer input; the movement itself goes through the map's handlers.
    mapPoint(p) {
      return minimap.clientPoint(p) ?? null;
    },

    remoteLevels() {
      return [...app.members.values()].map((m) => ({
        member: m.member,
        account: m.account,
        ...(audio.remotePeak(m.member) ?? { peakHz: 0, peakDb: FLOOR_DB }),
        levelDb: round1(audio.remoteLevel(m.member)),
      }));
    },

    localLevel() {
      return { ...(audio.localPeak() ?? { peakHz: 0, peakDb: FLOOR_DB }), levelDb: round1(audio.localLevel()) };
    },

    async peerStats() {
      if (app.sfu) {
        const pc = app.sfu.pc;
        return [{
          member: 'sfu', account: '', connectionState: app.sfu.connectionState,
          ...(pc ? await audioStats(pc) : {}),
        }];
      }
      const peers = [...(app.mesh?.peers.values() ?? [])];
      return Promise.all(peers.map(async (peer) => ({
        member: peer.member,
        account: app.members.get(peer.member)?.account ?? '',
        connectionState: peer.connectionState,
        ...(await audioStats(peer.pc)),
      })));
    },

    _internals: { sig, audio, mic, session, app },
  };
}

async function audioStats(pc) {
  const out = { inboundBytes: 0, outboundBytes: 0, packetsReceived: 0, packetsSent: 0, packetsLost: 0, codec: null, rttMs: null };
  if (pc.signalingState === 'closed') return out;
  const report = await pc.getStats();
  let codecId = null;
  report.forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      out.inboundBytes += s.bytesReceived ?? 0;
      out.packetsReceived += s.packetsReceived ?? 0;
      out.packetsLost += s.packetsLost ?? 0;
      codecId ??= s.codecId;
    } else if (s.type === 'outbound-rtp' && s.kind === 'audio') {
      out.outboundBytes += s.bytesSent ?? 0;
      out.packetsSent += s.packetsSent ?? 0;
      codecId ??= s.codecId;
    } else if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') {
      if (s.currentRoundTripTime != null) out.rttMs = Math.round(s.currentRoundTripTime * 1000);
    }
  });
  if (codecId) out.codec = report.get(codecId)?.mimeType ?? null;
  return out;
}

function senderTrack(pc) {
  if (pc.signalingState === 'closed') return null;
  return pc.getSenders().find((s) => s.track?.kind === 'audio')?.track ?? null;
}

function round4(x) {
  return Math.round(x * 1e4) / 1e4;
}

function round1(x) {
  return Math.round(x * 10) / 10;
}
