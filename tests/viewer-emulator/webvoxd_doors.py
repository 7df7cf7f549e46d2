"""Where webvoxd's two viewer-voice front doors are and how they are switched on: the ONE
place the viewer-voice tests take these from (test_viewer_voice.py, aiortc_viewer.py), so
they follow webvoxd when a name changes.

Tentative (docs/viewers.md will say the final ones):
  * setting `viewer-voice-secret`  → JSON-RPC door (option B) at POST /viewer-voice/<secret>
  * settings `janus-api-secret` / `janus-admin-secret` → Janus REST door (option A) at /janus,
    its admin API at /janus-admin

They are passed as WEBVOX_<NAME> environment variables (config_sources.cpp's
environment_name): a webvoxd that does not know them yet still starts — and answers 404 on the
paths, which is the failure a test then reports — where an unknown command-line option would
stop it before it listens. Secrets in the environment also stay out of `ps`.
"""

import uuid

SETTINGS = {
    "viewer-voice-secret": "jsonrpc-" + uuid.uuid4().hex,
    "janus-api-secret": "janus-api-" + uuid.uuid4().hex,
    "janus-admin-secret": "janus-admin-" + uuid.uuid4().hex,
}
# Further webvoxd options the doors need (none known yet; e.g. a media mode).
SERVER_ARGS = ()
JSONRPC_PATH = "/viewer-voice/{secret}"
JANUS_PATH = "/janus"
JANUS_ADMIN_PATH = "/janus-admin"


def environment_name(setting):
    return "WEBVOX_" + setting.replace("-", "_").upper()


def server_environment(settings=None):
    """Environment variables that switch both doors on, for webvox_harness.WebvoxServer(env=…)."""
    return {environment_name(k): v for k, v in (settings or SETTINGS).items()}


def jsonrpc_uri(host, port, settings=None):
    return "http://%s:%d%s" % (host, port, JSONRPC_PATH.format(
        secret=(settings or SETTINGS)["viewer-voice-secret"]))


def janus_uri(host, port):
    return "http://%s:%d%s" % (host, port, JANUS_PATH)


def janus_admin_uri(host, port):
    return "http://%s:%d%s" % (host, port, JANUS_ADMIN_PATH)


def make_addon(door, host, port, flavour="OS", settings=None, log=None):
    """The test simulator for one door: "jsonrpc" (option B) or "janus" (option A)."""
    import simulator
    s = settings or SETTINGS
    if door == "jsonrpc":
        return simulator.JsonRpcAddon(jsonrpc_uri(host, port, s), log=log)
    if door == "janus":
        return simulator.JanusAddon(janus_uri(host, port), s["janus-api-secret"],
                                    janus_admin_uri(host, port), s["janus-admin-secret"],
                                    flavour=flavour, log=log)
    raise ValueError("door is jsonrpc or janus")


# What viewer voice is doing, as webvoxd reports it to its admin (GET /admin/viewer-voice,
# docs/viewers.md): sessions, rooms, drops by reason, door counters.
STATUS_PATH = "/admin/viewer-voice"


def status(server, admin_user=None, admin_password=None):
    import base64
    import json
    import urllib.request
    import webvox_harness
    user = admin_user or webvox_harness.ADMIN_USER
    password = admin_password or webvox_harness.ADMIN_PASSWORD
    request = urllib.request.Request("http://%s:%d%s" % (server.host, server.port, STATUS_PATH))
    request.add_header("Authorization", "Basic " + base64.b64encode(
        ("%s:%s" % (user, password)).encode()).decode())
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def wait_for_status(server, condition, timeout=10.0):
    """The status once `condition(status)` holds: the service publishes its figures once per
    media tick, so a count may lag what a client just saw by a tick."""
    import time
    deadline = time.monotonic() + timeout
    while True:
        found = status(server)
        if condition(found) or time.monotonic() > deadline:
            return found
        time.sleep(0.05)  # polling pace; the deadline decides


# One world (docs/viewers.md, "Browser residents in the same world"): how the status lists the
# viewer rooms and their bridged webvox channels, and how a viewer shows among a channel's
# members for browsers (docs/signalling.md). The ONE place the tests take these names from.
ROOMS_FIELD = ("service", "rooms")      # the list of rooms in the status
ROOM_ID_FIELD = "id"                    # viewer::RoomKey's id
ROOM_CHANNEL_FIELD = "channel_uri"      # the bridged channel's URI ("" or absent: not bridged)
VIEWER_MEMBER_FIELD = "viewer"          # true on a member that is a viewer's agent


def estate_room_id(region_id):
    """The id of a region's estate voice room (viewer/room_key.hpp: the description
    os-webrtc-janus gives the Janus room, parcel -999)."""
    return "%s/local/-999" % str(region_id).lower()


def rooms(server):
    """The viewer voice rooms GET /admin/viewer-voice lists (a list of dicts)."""
    found = status(server)
    for name in ROOMS_FIELD:
        found = found.get(name) if isinstance(found, dict) else None
    return found if isinstance(found, list) else []


def bridged_channel_uri(server, room_id):
    """The channel URI the room `room_id` is bridged to, or None (no such room, not bridged,
    or a webvoxd that does not list it)."""
    for room in rooms(server):
        if isinstance(room, dict) and room.get(ROOM_ID_FIELD) == room_id:
            return room.get(ROOM_CHANNEL_FIELD) or None
    return None


def is_viewer_member(member):
    return isinstance(member, dict) and member.get(VIEWER_MEMBER_FIELD) is True


def sldata_drops(server):
    """SLData messages webvoxd did not act on, every reason together."""
    return sum(status(server)["service"]["sldata_dropped"].values())


def secrets_in(text, settings=None):
    """The names of the door secrets that appear in `text` (a server log): none may, at any
    log level (house rule: secrets never in logs; the JSON-RPC secret travels in the path and
    the Janus api secret in the long poll's query)."""
    return sorted(k for k, v in (settings or SETTINGS).items() if v in text)


def server_options(extra_args=()):
    """webvox_harness.start_server's keywords for a webvoxd with both doors on (and
    `extra_args`)."""
    return {"env": server_environment(), "extra_args": list(SERVER_ARGS) + list(extra_args)}


def start_server(holder, prefix, extra_args=()):
    """One webvoxd with both doors on (and `extra_args`), its temp folder and process cleaned
    up with `holder` (a TestCase). Uses tests/integration/webvox_harness.py."""
    import webvox_harness as h
    return h.start_server(holder, prefix=prefix, **server_options(extra_args))


def stop_server(server, other_secrets=None):
    """webvoxd must stop cleanly on SIGTERM, and its whole log must hold no door secret (nor
    any of `other_secrets`, a dict setting name -> value)."""
    code = server.stop()  # the log is complete, and still there until the cleanups
    if code != 0:
        raise AssertionError("webvoxd exited %s on SIGTERM\n%s" % (code, server.describe()))
    text = server.stderr_text() + "".join(server.stdout_lines)
    leaked = secrets_in(text, dict(SETTINGS, **(other_secrets or {})))
    if leaked:
        raise AssertionError("webvoxd logged the secret(s) %s" % ", ".join(leaked))


def start_shared_server(cls, prefix):
    """setUpClass: one webvoxd with both doors on for a TestCase class (the harness's shared
    start: cls.server, its temp folder removed by stop_shared_server)."""
    import webvox_harness as h
    return h.start_shared_server(cls, prefix=prefix, **server_options())


def stop_shared_server(cls):
    """tearDownClass: webvoxd must stop cleanly, and its whole log must hold no door secret."""
    import webvox_harness as h
    try:
        stop_server(cls.server)
    finally:
        h.stop_shared_server(cls)
