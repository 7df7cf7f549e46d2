"""Emulated viewers for Python tests: drives tests/viewer-emulator/driver.mjs (Chromium pages
running page/viewer.mjs) and connects each page to a voice server through a simulator
(simulator.py: JanusAddon or JsonRpcAddon), the way the viewer and the region do it:

    bridge = await ViewerBridge.start()
    a = EmulatedViewer(bridge, "a", agent_id, hz=440)
    await a.open(processing="off")          # Chromium with a 440 Hz microphone, offer made
    await a.connect(addon, region_id)       # provision → answer applied → trickles (100 ms tick)
    await a.wait(lambda s: s["state"] == "SESSION_UP", 20, "SESSION_UP")
    levels = await a.measure(1000, tones=[660])

Times are the page's own clock (performance.timeOrigin + now()): the first-audio mark is
measured from a `provisionSent` mark the page makes just before the provision request leaves
here, so both ends are read off one clock (the machine's wall clock may be stepped meanwhile;
the mark's round trip makes the figure slightly larger, never smaller).
"""

import asyncio
import itertools
import json
import os
import shutil
import subprocess
import time

_HERE = os.path.dirname(os.path.abspath(__file__))
BROWSER_DIR = os.path.join(_HERE, "..", "browser")
SCALE = float(os.environ.get("WEBVOX_TIMEOUT_SCALE", "1"))
TICK = 0.1  # the viewer's state machine tick (processIceUpdates runs on it)


def why_unavailable():
    """None if emulated viewers can run here, else the reason (Chromium, node, sox, and
    tests/browser's playwright-core, which ensure-deps.sh installs from its lock file)."""
    for tool, package in ((os.environ.get("CHROMIUM", "/usr/bin/chromium"), "chromium"),
                          ("node", "nodejs"), ("sox", "sox")):
        if shutil.which(tool) is None:
            return "%s (package %s)" % (tool, package)
    ensure = subprocess.run(["bash", os.path.join(BROWSER_DIR, "ensure-deps.sh")],
                            capture_output=True, text=True)
    if ensure.returncode != 0:
        return "tests/browser/ensure-deps.sh failed: %s" % ensure.stderr.strip()[-500:]
    return None


class BridgeError(AssertionError):
    pass


class ViewerBridge:
    """The driver.mjs process: concurrent commands, replies matched by id."""

    def __init__(self, proc):
        self.proc = proc
        self.ids = itertools.count(1)
        self.pending = {}
        self.reader = None

    @classmethod
    async def start(cls, timeout=30.0):
        proc = await asyncio.create_subprocess_exec(
            "node", os.path.join(_HERE, "driver.mjs"), cwd=_HERE,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, limit=1 << 26)
        bridge = cls(proc)
        line = await asyncio.wait_for(proc.stdout.readline(), timeout * SCALE)
        if not line or not json.loads(line).get("ready"):
            raise BridgeError("viewer driver did not start: %r" % line)
        bridge.reader = asyncio.ensure_future(bridge._read())
        return bridge

    async def _read(self):
        while True:
            line = await self.proc.stdout.readline()
            if not line:
                for future in self.pending.values():
                    if not future.done():
                        future.set_exception(BridgeError("viewer driver exited (%s)"
                                                         % self.proc.returncode))
                return
            message = json.loads(line)
            future = self.pending.pop(message.get("id"), None)
            if future is not None and not future.done():
                future.set_result(message)

    async def command(self, cmd, timeout=60.0, **fields):
        ident = next(self.ids)
        future = asyncio.get_running_loop().create_future()
        self.pending[ident] = future
        self.proc.stdin.write((json.dumps(dict(fields, cmd=cmd, id=ident)) + "\n").encode())
        await self.proc.stdin.drain()
        try:
            message = await asyncio.wait_for(future, timeout * SCALE)
        finally:
            self.pending.pop(ident, None)
        if not message.get("ok"):
            raise BridgeError("viewer driver: %s\nlog:\n%s"
                              % (message.get("error"), "\n".join(message.get("log", []))))
        return message

    async def call(self, key, method, *args, timeout=60.0):
        # A method that returns nothing comes back without "value": None, as in Python.
        return (await self.command("call", timeout=timeout, key=key, method=method,
                                   args=list(args))).get("value")

    async def quit(self, timeout=30.0):
        if self.proc.returncode is not None:
            return
        try:
            self.proc.stdin.write(b'{"cmd":"quit","id":0}\n')
            await self.proc.stdin.drain()
            await asyncio.wait_for(self.proc.wait(), timeout)
        except (asyncio.TimeoutError, ConnectionError):
            self.proc.kill()
            await self.proc.wait()
        if self.reader:
            self.reader.cancel()


class EmulatedViewer:
    """One emulated viewer connection: a page plus the simulator calls around it."""

    def __init__(self, bridge, key, agent_id, hz):
        self.bridge = bridge
        self.key = key
        self.agent_id = str(agent_id)
        self.hz = hz
        self.offer = None
        self.viewer_session = None
        self.answer = None
        self.trickled = []           # what went to the simulator, in order
        self.trickle_task = None
        self.trickle_errors = []
        self.addon = None
        self.region_id = None

    async def open(self, processing="off", primary=True, spatial=True, mic=True, seconds=120,
                   reload=False):
        """Chromium with this viewer's tone (or, with reload, a fresh page in the same browser:
        a new connection) and the viewer's offer."""
        if reload:
            if self.trickle_task:
                self.trickle_task.cancel()
            await self.bridge.command("reload", timeout=90, key=self.key)
            self.viewer_session = None
            self.trickled = []
        else:
            await self.bridge.command("open", timeout=90, key=self.key, hz=self.hz,
                                      seconds=seconds)
        made = await self.call("init", {"agentId": self.agent_id, "primary": primary,
                                        "spatial": spatial, "micOn": mic,
                                        "processing": processing})
        self.offer = made["offer"]
        return made

    def call(self, method, *args, timeout=60.0):
        return self.bridge.call(self.key, method, *args, timeout=timeout)

    async def connect(self, addon, region_id, parcel_local_id=None, **provision_args):
        """ProvisionVoiceAccountRequest through `addon`, the answer applied, then the trickle
        loop (one VoiceSignalingRequest per tick while there is something to send). Returns
        the provision reply."""
        self.addon = addon
        self.region_id = str(region_id)
        await self.call("mark", "provisionSent")
        reply = await addon.provision(self.agent_id, self.region_id, self.offer,
                                      parcel_local_id=parcel_local_id, **provision_args)
        self.reply = reply
        # OnVoiceConnectionRequestSuccess: viewer_session and jsep{type: answer, sdp} or exit.
        jsep = reply.get("jsep") if isinstance(reply, dict) else None
        if not (isinstance(jsep, dict) and jsep.get("type") == "answer" and "sdp" in jsep
                and "viewer_session" in reply):
            raise BridgeError("invalid voice provision request result: %r" % (reply,))
        self.viewer_session = reply["viewer_session"]
        self.answer = jsep["sdp"]
        await self.call("applyAnswer", self.answer)
        self.trickle_task = asyncio.ensure_future(self._trickle_loop())
        return reply

    async def _trickle_loop(self):
        completed = False
        while not completed:
            update = await self.call("takeIceUpdate")
            if update:
                self.trickled.append(update)
                completed = bool(update.get("completed"))
                try:
                    await self.addon.signal(self.agent_id, self.region_id, self.viewer_session,
                                            candidates=update.get("candidates"),
                                            completed=completed)
                except Exception as e:  # the viewer only looks at the HTTP status
                    self.trickle_errors.append(repr(e))
            else:
                await asyncio.sleep(TICK)

    async def snapshot(self):
        return await self.call("snapshot")

    async def wait(self, check, timeout, what, interval=0.05):
        """Polls snapshot() until check(snapshot) is true; fails with the last one seen."""
        deadline = time.monotonic() + timeout * SCALE
        last = None
        while True:
            last = await self.snapshot()
            if check(last):
                return last
            if time.monotonic() >= deadline:
                raise AssertionError("%s: timed out after %.0f s waiting for %s; last: %s"
                                     % (self.key, timeout * SCALE, what,
                                        json.dumps(last)[:2000]))
            await asyncio.sleep(interval)

    async def measure(self, ms=1000, tones=()):
        return await self.call("measure", {"ms": ms, "tones": list(tones)},
                               timeout=ms / 1000 + 30)

    async def first_audio_ms(self):
        """First received level above −60 dBFS, in ms after the provision request was sent."""
        marks = (await self.snapshot())["marks"]
        if "firstAudio" not in marks:
            return None
        return marks["firstAudio"] - marks["provisionSent"]

    async def logout(self):
        if self.trickle_task:
            self.trickle_task.cancel()
        return await self.addon.logout(self.agent_id, self.region_id, self.viewer_session)

    async def log(self):
        return (await self.bridge.command("log", key=self.key))["value"]

    async def kill(self):
        if self.trickle_task:
            self.trickle_task.cancel()
        return await self.bridge.command("kill", key=self.key)

    async def close(self):
        if self.trickle_task:
            self.trickle_task.cancel()
        try:
            await self.bridge.command("close", key=self.key)
        except BridgeError:
            pass
