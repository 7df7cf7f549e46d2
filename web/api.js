// window.webvox: everything the UI does, callable from end-to-end tests and the console, plus
// read-outs of state, audio levels and RTP counters. Documented in README.md.

import { FLOOR_DB } from './audio.js';

export function installApi({ sig, audio, app, bannerCode, actions }) {
  window.webvox = {
    ...actions,

    state() {
      const w = sig.welcome;
      return {
        signalling: sig.state,
        channel: app.channel,
        self: w?.member ?? null,
        account: w?.account ?? null,
        name: w?.name ?? null,
        muted: app.muted,
        speaking: app.speaking,
        audioContext: audio.ctx?.state ?? 'none',
        mic: audio.track ? { label: audio.track.label, deviceId: audio.deviceId, enabled: audio.track.enabled } : null,
        error: bannerCode(),
        members: [...app.members.values()].map((m) => ({
          member: m.member,
          account: m.account,
          name: m.name,
          muted: m.muted,
          speaking: m.heard,
          reportedSpeaking: m.speaking,
          connectionState: app.mesh?.get(m.member)?.connectionState ?? 'new',
        })),
      };
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
      const peers = [...(app.mesh?.peers.values() ?? [])];
      return Promise.all(peers.map(async (peer) => ({
        member: peer.member,
        account: app.members.get(peer.member)?.account ?? '',
        connectionState: peer.connectionState,
        ...(await audioStats(peer.pc)),
      })));
    },

    _internals: { sig, audio, app },
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

function round1(x) {
  return Math.round(x * 10) / 10;
}
