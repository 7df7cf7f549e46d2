#!/usr/bin/python3
"""Emulated viewers against Janus AudioBridge through the os-webrtc-janus addon's REST sequence:
the reference run of bench/viewer_janus_reference.sh (which makes the network namespace and
calls this inside it). Standard library only; Chromium through tests/viewer-emulator.

Janus is started from a configuration generated here (never the system's /etc/janus):
AudioBridge as the only plugin, the HTTP transport on 127.0.0.1 with `api_secret`, its admin
API on 127.0.0.1 with `admin_secret`, full ICE with trickle as Janus defaults to (the addon's
deployments do not change it), host candidates on the namespace's veth only.
"""

import argparse
import asyncio
import json
import math
import os
import statistics
import subprocess
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "viewer-emulator"))

import aiortc_viewer  # noqa: E402
import simulator  # noqa: E402
import viewers  # noqa: E402

JANUS_LIB = "/usr/lib/x86_64-linux-gnu/janus"
API_SECRET = "viewer-bench-api-secret"
ADMIN_SECRET = "viewer-bench-admin-secret"
REGION = "11111111-2222-3333-4444-555555555555"
GLOBAL_ORIGIN = (256000.0, 256000.0, 25.0)   # region (1000, 1000) on the grid, metres
A_HZ, B_HZ = 440, 660
AUDIBLE_DB = -60.0


def write_janus_config(folder, http_port, admin_port):
    os.makedirs(folder, exist_ok=True)
    plugins = sorted(f for f in os.listdir(os.path.join(JANUS_LIB, "plugins"))
                     if f.endswith(".so") and "audiobridge" not in f)
    transports = sorted(f for f in os.listdir(os.path.join(JANUS_LIB, "transports"))
                        if f.endswith(".so") and "http" not in f)
    with open(os.path.join(folder, "janus.jcfg"), "w") as f:
        f.write("""general: {
  configs_folder = "%(folder)s"
  plugins_folder = "%(lib)s/plugins"
  transports_folder = "%(lib)s/transports"
  events_folder = "%(lib)s/events"
  loggers_folder = "%(lib)s/loggers"
  debug_level = 4
  api_secret = "%(api)s"
  admin_secret = "%(admin)s"
  session_timeout = 60
}
media: {
  rtp_port_range = "20000-40000"
}
nat: {
  ice_enforce_list = "wvx0"
  ignore_mdns = true
}
plugins: {
  disable = "%(plugins)s"
}
transports: {
  disable = "%(transports)s"
}
events: {
  broadcast = false
}
""" % {"folder": folder, "lib": JANUS_LIB, "api": API_SECRET, "admin": ADMIN_SECRET,
       "plugins": ",".join(plugins), "transports": ",".join(transports)})
    with open(os.path.join(folder, "janus.transport.http.jcfg"), "w") as f:
        f.write("""general: {
  json = "compact"
  base_path = "/janus"
  http = true
  port = %d
  ip = "127.0.0.1"
  https = false
}
admin: {
  admin_base_path = "/admin"
  admin_http = true
  admin_port = %d
  admin_ip = "127.0.0.1"
  admin_https = false
}
""" % (http_port, admin_port))
    # No static rooms: the addon creates its rooms through the API.
    with open(os.path.join(folder, "janus.plugin.audiobridge.jcfg"), "w") as f:
        f.write("general: {\n}\n")


async def wait_for_janus(base, proc, timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError("janus exited with %s" % proc.returncode)
        try:
            r = await simulator.http_request("GET", base + "/info", timeout=2)
            if r.status == 200:
                return r.json()
        except (OSError, asyncio.TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("janus did not answer %s/info within %.0f s" % (base, timeout))
        await asyncio.sleep(0.1)


def global_pos(dx, dy):
    return {"x": GLOBAL_ORIGIN[0] + dx, "y": GLOBAL_ORIGIN[1] + dy, "z": GLOBAL_ORIGIN[2]}


def lr(m, hz):
    return m["L"]["tones"][str(hz)] - m["R"]["tones"][str(hz)]


async def run(args):
    results = {"flavour": args.flavour, "rounds": []}
    http_port, admin_port = 18088, 17088
    conf = os.path.join(args.workdir, "janus-config")
    write_janus_config(conf, http_port, admin_port)
    log = open(os.path.join(args.workdir, "janus.log"), "w")
    janus = subprocess.Popen(["janus", "-F", conf, "-C", os.path.join(conf, "janus.jcfg")],
                             stdout=log, stderr=subprocess.STDOUT, cwd=args.workdir)
    bridge = None
    addon = None
    try:
        info = await wait_for_janus("http://127.0.0.1:%d/janus" % http_port, janus)
        results["janus"] = "%s (%s)" % (info.get("version_string"), info.get("name"))
        addon = simulator.JanusAddon("http://127.0.0.1:%d/janus" % http_port, API_SECRET,
                                     "http://127.0.0.1:%d/admin" % admin_port, ADMIN_SECRET,
                                     flavour=args.flavour, log=print)
        await addon.start()
        bridge = await viewers.ViewerBridge.start()

        # A: the speaker, connected once; the user toggles the mic on (correction 9: against
        # AudioBridge the data channel never opens, so the state machine never unmutes it).
        a = viewers.EmulatedViewer(bridge, "a", uuid.uuid4(), A_HZ)
        await a.open(processing=args.processing)
        await a.connect(addon, REGION)
        await a.wait(lambda s: s["connection"] == "connected", 30, "A connected")
        await a.call("setMic", True)
        results["room"] = simulator.room_number("local", REGION)

        first = []
        for r in range(args.rounds):
            b = viewers.EmulatedViewer(bridge, "b%d" % r, uuid.uuid4(), B_HZ)
            await b.open(processing=args.processing)
            await b.connect(addon, REGION)
            await b.wait(lambda s: "firstAudio" in s["marks"], 30, "B hears A")
            ms = await b.first_audio_ms()
            snap = await b.snapshot()
            rnd = {"first_audio_ms": round(ms, 1),
                   "first_rtp_ms": round(snap["marks"]["firstRtp"] - b.provision_sent_ms, 1)
                   if "firstRtp" in snap["marks"] else None,
                   "connected_ms": round(snap["marks"]["connected"] - b.provision_sent_ms, 1),
                   "provision_ms": round(b.provision_done_ms - b.provision_sent_ms, 1),
                   "trickles": len(b.trickled)}
            first.append(ms)
            print("round %d: %s" % (r, json.dumps(rnd)), flush=True)
            results["rounds"].append(rnd)
            if r < args.rounds - 1:
                await b.logout()
                await b.close()
        results["first_audio_ms_median"] = round(statistics.median(first), 1)

        # Geometry (sent as SLData would carry it — if SLData opened): B listens at the origin
        # facing east; A stands 5 m north, i.e. 90° to B's left.
        await b.call("setPose", {"listener": dict(global_pos(0, 0), yaw=0),
                                 "speaker": dict(global_pos(0, 0), yaw=0)})
        await a.call("setPose", {"speaker": dict(global_pos(0, 5), yaw=0)})
        await b.call("setMic", True)
        await a.wait(lambda s: "firstAudio" in s["marks"], 30, "A hears B")
        m_left = await b.measure(2000, tones=[A_HZ])
        await b.call("setPose", {"listener": dict(global_pos(0, 0), yaw=180)})
        m_turned = await b.measure(2000, tones=[A_HZ])
        await a.call("setPose", {"speaker": dict(global_pos(0, 20), yaw=0)})
        m_far = await b.measure(2000, tones=[A_HZ])
        a_hears_b = await a.measure(1000, tones=[B_HZ])
        snap_a, snap_b = await a.snapshot(), await b.snapshot()
        stats_b = await b.call("stats")
        results.update({
            "b_hears_a": {"peak_hz": round(m_left["L"]["peakHz"], 1),
                          "level_db": round(m_left["L"]["tones"][str(A_HZ)], 2)},
            "a_hears_b": {"peak_hz": round(a_hears_b["L"]["peakHz"], 1),
                          "level_db": round(a_hears_b["L"]["tones"][str(B_HZ)], 2)},
            "remote_channels": m_left["channels"],
            "l_minus_r_db_speaker_left": round(lr(m_left, A_HZ), 2),
            "l_minus_r_db_after_turning_180": round(lr(m_turned, A_HZ), 2),
            "level_change_db_5m_to_20m": round(m_far["L"]["tones"][str(A_HZ)]
                                               - m_left["L"]["tones"][str(A_HZ)], 2),
            "sldata": {"a": snap_a["dataChannel"], "b": snap_b["dataChannel"]},
            "state": {"a": snap_a["state"], "b": snap_b["state"]},
            "roster": {"a": snap_a["roster"], "b": snap_b["roster"]},
            "sldata_messages_received": snap_a["received"] + snap_b["received"],
            "offer": {
                "m_lines": [l.rstrip("\r") for l in b.offer.split("\n") if l.startswith("m=")],
                "bundle": [l.rstrip("\r") for l in b.offer.split("\n") if l.startswith("a=group:")],
                "candidates_in_offer": b.offer.count("a=candidate:"),
                "opus_lines": [l for l in b.offer.split("\n") if l.startswith(("a=rtpmap:111", "a=fmtp:111"))],
            },
            "trickled": b.trickled,
            "answer_application_line": [l for l in b.answer.splitlines()
                                        if l.startswith("m=application")],
            "answer_opus_fmtp": [l for l in b.answer.splitlines() if l.startswith("a=fmtp")],
            "b_inbound": stats_b["inbound"],
            "b_codecs": stats_b.get("codecs"),
            "trickle_errors": a.trickle_errors + b.trickle_errors,
        })
        # The scripted (aiortc) viewer: its raw munged offer and trickled candidates through
        # the same addon sequence; it must hear A like the browser viewers do.
        scripted = aiortc_viewer.ScriptedViewer(uuid.uuid4(), 880, host_addresses=("10.255.0.1",))
        try:
            offer = await scripted.make_offer()
            reply = await addon.provision(scripted.agent_id, REGION, offer)
            await scripted.apply_answer(reply["jsep"]["sdp"])
            await addon.signal(scripted.agent_id, REGION, reply["viewer_session"],
                               candidates=scripted.candidates())
            await addon.signal(scripted.agent_id, REGION, reply["viewer_session"], completed=True)
            await scripted.wait_until(lambda: scripted.hears(A_HZ)[0], 30, "the scripted viewer hears A")
            ok, hz, level = scripted.hears(A_HZ)
            results["scripted_viewer"] = {"hears_a_hz": round(hz, 1), "level_db": round(level, 1),
                                          "sldata_open": scripted.channel_open.is_set(),
                                          "candidates_trickled": len(scripted.candidates())}
            await addon.logout(scripted.agent_id, REGION, reply["viewer_session"])
        finally:
            await scripted.close()
        sessions = await addon.admin("list_sessions")
        results["admin_list_sessions"] = len(sessions.get("sessions", []))
        parts = await addon.list_participants(results["room"])
        results["participants"] = [
            {"id": p.get("id"), "display": p.get("display"), "spatial_position": p.get("spatial_position")}
            for p in parts.get("plugindata", {}).get("data", {}).get("participants", [])]
        bye = await b.logout()
        results["logout_replies"] = {k: {"janus": v.get("janus"),
                                         "audiobridge": v.get("plugindata", {}).get("data", {}).get("audiobridge"),
                                         "error": v.get("error")} for k, v in bye.items()}
        await a.logout()
    finally:
        if bridge:
            await bridge.quit()
        if addon:
            for s in [addon.console] + [e["session"] for e in addon.viewer_sessions.values()]:
                if s:
                    s.stop_polling()
        janus.terminate()
        try:
            janus.wait(10)
        except subprocess.TimeoutExpired:
            janus.kill()
        log.close()
    return results


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--workdir", required=True)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--flavour", choices=("OS", "MB"), default="OS")
    p.add_argument("--processing", choices=("off", "viewer"), default="off",
                   help="capture processing: off (raw tone) or viewer (AGC/EC/NS on as llwebrtc)")
    p.add_argument("--json")
    args = p.parse_args()
    results = asyncio.run(run(args))
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")
    print("\n| figure | Janus AudioBridge (%s) |" % args.flavour)
    print("|---|---|")
    print("| first remote audio after provision, median of %d (ms) | %.0f (%s) |" % (
        args.rounds, results["first_audio_ms_median"],
        ", ".join("%.0f" % r["first_audio_ms"] for r in results["rounds"])))
    print("| L − R, speaker 90° left (dB) | %.2f |" % results["l_minus_r_db_speaker_left"])
    print("| L − R after the listener turns 180° (dB) | %.2f |" % results["l_minus_r_db_after_turning_180"])
    print("| level change 5 m → 20 m (dB) | %.2f |" % results["level_change_db_5m_to_20m"])
    print("| SLData | %s / %s (answer: %s) |" % (results["sldata"]["a"], results["sldata"]["b"],
                                                 "; ".join(results["answer_application_line"])))
    print("| roster entries | %d / %d |" % (len(results["roster"]["a"]), len(results["roster"]["b"])))
    print("| scripted (aiortc) viewer hears A | %s |" % results.get("scripted_viewer"))


if __name__ == "__main__":
    main()
