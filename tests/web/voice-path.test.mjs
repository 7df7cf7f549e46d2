// VoicePath: which transport carries the channel's voice, and switching it live.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';

// Just enough of a peer connection for Mesh and SfuLink to make and close connections that
// never negotiate; each keeps the configuration it was made with.
const made = [];
globalThis.RTCPeerConnection = class {
  constructor(config) {
    this.config = config;
    this.connectionState = 'new';
    this.localDescription = null;
    made.push(this);
  }
  close() {
    this.connectionState = 'closed';
  }
  getTransceivers() {
    return [];
  }
  addTransceiver() {
    return {};
  }
  async createOffer() {
    return { type: 'offer', sdp: '' };
  }
  async setLocalDescription(d) {
    this.localDescription = d;
  }
};
const ICE_SERVERS = [{ urls: ['turn:turn.example.org:3478'], username: '1700000000:a', credential: 'c' }];

const { VoicePath } = await import('../../web/voice-path.js');

let wired;
let path;

beforeEach(() => {
  wired = [];
  path = new VoicePath({
    selfId: 'm',
    iceServers: ICE_SERVERS,
    send: () => {},
    request: () => new Promise(() => {}),
    getTrack: () => null,
    sendsTo: () => true,
    sending: () => true,
    onMesh: (mesh) => wired.push(['mesh', mesh]),
    onSfu: (link) => wired.push(['sfu', link]),
  });
});

test('starts with the transport the server names; anything but sfu is a mesh', () => {
  assert.equal(path.mode, null);
  assert.equal(path.use(undefined), true);
  assert.equal(path.mode, 'mesh');
  assert.deepEqual(wired.map(([kind]) => kind), ['mesh']);
  assert.equal(path.use('mesh'), false, 'the transport in use already');
  assert.equal(wired.length, 1);
});

test('switching to sfu closes every peer and wires one link with the slots', () => {
  path.use('mesh');
  path.add('a', { initiator: false });
  path.add('z', { initiator: false });
  const peers = [...path.mesh.peers.values()];
  assert.equal(peers.length, 2);
  assert.equal(path.use('sfu', 6), true);
  assert.equal(path.mode, 'sfu');
  assert.equal(path.mesh, null);
  assert.ok(peers.every((p) => p.closed), 'the old peers are closed');
  assert.equal(path.sfu.slotCount, 6);
  assert.equal(wired.at(-1)[1], path.sfu);
  assert.equal(path.connectionState('a'), 'new', 'everyone is reached through the one link');
  path.add('b', { initiator: true }); // nothing to set up per member
  path.handleSignal('a', { description: { type: 'offer', sdp: 'v=0' } }); // a stale signal: ignored
  assert.equal(path.mesh, null);
});

test('switching back to a mesh closes the link', () => {
  path.use('sfu', 2);
  const link = path.sfu;
  path.use('mesh');
  assert.equal(link.closed, true);
  assert.equal(path.sfu, null);
  assert.equal(path.mode, 'mesh');
  path.handleSlots({ slots: [{ mid: '1', member: 'a' }] }); // a late table: ignored
});

test('after a switch to a mesh the smaller id offers', () => {
  assert.equal(path.offersAfterSwitch('z'), true);
  assert.equal(path.offersAfterSwitch('a'), false);
});

test('close leaves no transport', () => {
  path.use('sfu', 2);
  path.close();
  assert.equal(path.mode, null);
});

test('both transports use the welcome\'s STUN/TURN servers: a firewalled browser relays', async () => {
  path.use('mesh');
  path.add('z', { initiator: false });
  assert.deepEqual(made.at(-1).config.iceServers, ICE_SERVERS, 'a mesh peer');
  path.use('sfu', 2);
  path.start();
  await Promise.resolve();
  assert.deepEqual(made.at(-1).config.iceServers, ICE_SERVERS, 'the connection to the server');
  path.close();
});
