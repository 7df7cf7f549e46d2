"""What a listener should hear, and reading it off an emulated viewer's ears: the expected
figures (shared/spec/positional-audio.md's gain functions, the browser's equal-power pan law)
and settled measurements (viewers.EmulatedViewer.measure until the change made before has
reached the ear). Shared by test_viewer_voice.py and test_one_world.py.

Pan law (notes: gainL = cos((p+1)π/4), gainR = sin((p+1)π/4), p = −sin(bearing), bearing
counter-clockwise = left): −3.01 dB per channel in the centre, +3.01 dB in the near channel and
nothing in the far one for a speaker 90° to the side.
"""

import math
import time

import viewers

SCALE = viewers.SCALE
# VivoxVoiceModule's defaults for a region's channel: linear, 10 m clamping, 60 m max, roll-off 2.
MODULE_DEFAULTS = {"model": 2, "ref": 10.0, "max": 60.0, "rolloff": 2.0}
SILENT_DB = -75.0            # a tone below this at the ear is not heard
SETTLE_TIMEOUT = 20.0        # seconds (× SCALE) for a change to reach the ear and hold


def gain(distance, c=MODULE_DEFAULTS):
    """positional-audio.md, the clamped OpenAL models."""
    if distance > c["max"]:
        return 0.0
    ref = c["ref"]
    if c["model"] in (1, 3):
        ref = max(ref, 1.0)
    d = min(max(distance, ref), c["max"])
    if c["model"] == 0 or ref >= c["max"]:
        return 1.0
    if c["model"] == 1:
        return ref / (ref + c["rolloff"] * (d - ref))
    if c["model"] == 2:
        return max(0.0, 1 - c["rolloff"] * (d - ref) / (c["max"] - ref))
    return (d / ref) ** -c["rolloff"]


def pan_gains(bearing_degrees):
    """The browser's equal-power pan for a speaker at `bearing` (counter-clockwise = left)."""
    p = max(-1.0, min(1.0, -math.sin(math.radians(bearing_degrees))))
    return math.cos((p + 1) * math.pi / 4), math.sin((p + 1) * math.pi / 4)


def db(x):
    return 20 * math.log10(x)


async def settled_levels(listener, hz, timeout=SETTLE_TIMEOUT):
    """The tone's level in L and R at `listener` (an EmulatedViewer), once two 600 ms readings
    in a row agree within 0.3 dB (the change made before has reached the ear). Digital silence
    (both channels at the floor) counts as settled: muting must reach it."""
    deadline = time.monotonic() + timeout * SCALE
    prev = None
    while True:
        m = await listener.measure(600, tones=[hz])
        cur = (m["L"]["tones"][str(hz)], m["R"]["tones"][str(hz)])
        # A channel 30 dB or more under the other is the codec's floor for a hard-panned
        # voice (stereo Opus leaves some noise in the silent side): it need not be steady.
        loud = max(cur)
        if prev and all(abs(a - b) < 0.3 or max(a, b) < loud - 30 for a, b in zip(prev, cur)):
            return {"L": (prev[0] + cur[0]) / 2, "R": (prev[1] + cur[1]) / 2}
        if time.monotonic() > deadline:
            raise AssertionError("%s: %d Hz never settled; last readings %s then %s"
                                 % (listener.key, hz, prev, cur))
        prev = cur


async def assert_silenced(listener, hz, heard_db, what, timeout=SETTLE_TIMEOUT):
    """`hz` no longer reaches `listener` (waiting for the change to arrive): digitally silent,
    or down in the codec's noise — within 6 dB of the level at a frequency nobody plays (another
    voice in the same stream leaves lossy-coding noise across the spectrum) and 40 dB or more
    under `heard_db`, its level while it was heard."""
    control = hz + 55
    deadline = time.monotonic() + timeout * SCALE
    while True:
        m = await listener.measure(600, tones=[hz, control])
        readings = {side: (m[side]["tones"][str(hz)], m[side]["tones"][str(control)])
                    for side in ("L", "R")}
        if all(level < SILENT_DB or (level < floor + 6 and level < heard_db - 40)
               for level, floor in readings.values()):
            return
        if time.monotonic() > deadline:
            raise AssertionError("%s: %d Hz (and %d Hz where nobody plays), heard before at "
                                 "%.1f dB: %s" % (what, hz, control, heard_db, readings))
