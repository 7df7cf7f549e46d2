"""What the in-world HUD (integrations/opensim/webvox-hud.lsl) sends webvoxd, exactly as
OpenSimulator's llHTTPRequest sends it (docs/world.md, "What OpenSimulator sends"): the one
place the tests build these requests (test_world.py, tests/viewer-emulator/test_one_world.py).

The simulator sends the method and Content-Type the script chose (HTTP_METHOD, HTTP_MIMETYPE;
GET and "text/plain;charset=utf-8" by default), the X-SecondLife-* headers it sets and a
script cannot override (Shard, Object-Name, Object-Key, Region "Name (x, y)", Local-Position,
Local-Velocity, Local-Rotation, Owner-Name, Owner-Key), User-Agent only when [Network]
user_agent is set, "Connection: close", a Content-Length, and the body as UTF-8.
"""

import webvox_harness as h

FORM = "application/x-www-form-urlencoded"
POSITION_PATH = "/world/position"
LINK_PATH = "/world/link"


def ll_escape_url(text):
    """LSL's llEscapeURL: every byte of the UTF-8 text but [A-Za-z0-9] as %XX."""
    out = []
    for byte in text.encode("utf-8"):
        char = chr(byte)
        out.append(char if char.isascii() and char.isalnum() else "%%%02X" % byte)
    return "".join(out)


def lsl_vector(*values):
    """LSL's (string) cast of a vector or rotation: five decimals, ", " between."""
    return "<" + ", ".join("%.5f" % v for v in values) + ">"


def hud_body(fields, secret):
    """The body webvox-hud.lsl builds: form("secret", S) + "&" + form(...)..."""
    pairs = [("secret", secret)] + list(fields)
    return "&".join("%s=%s" % (name, ll_escape_url(value)) for name, value in pairs)


def region_header(name, corner):
    """X-SecondLife-Region: the region's name and its corner in grid metres."""
    return "%s (%d, %d)" % (name, corner[0], corner[1])


def position_body(secret, pos, rot):
    """report_position(): form("pos", (string)pos) + "&" + form("rot", (string)rot)."""
    return hud_body([("pos", lsl_vector(*pos)), ("rot", lsl_vector(*rot))], secret)


def link_body(secret, parcel_id, estate_voice, region_id=None):
    """ask_for_link(): the parcel's GlobalID, whether it uses the estate voice channel, and the
    HUD's REGION_ID when it is set."""
    fields = [("parcel", parcel_id), ("estate_voice", "1" if estate_voice else "0")]
    if region_id:
        fields.append(("region", region_id))
    return hud_body(fields, secret)


def llhttprequest(server, path, body, owner_key, owner_name, region, mimetype=FORM, tls=True,
                  pos=(128.5, 64.0, 22.1)):
    """One POST exactly as OpenSim's HttpRequestModule sends a script's llHTTPRequest from a
    HUD worn by `owner_key` standing at `pos` (region-local metres) in `region`
    (region_header()), on a new connection that the simulator closes after the answer."""
    payload = body.encode("utf-8")
    headers = [
        ("Host", "%s:%d" % (h.HOST, server.port)),
        ("X-SecondLife-Shard", "OpenSim"),
        ("X-SecondLife-Object-Name", "webvox HUD"),
        ("X-SecondLife-Object-Key", "0c4b5d9e-7a21-4e3f-8b5c-6d7e8f901234"),
        ("X-SecondLife-Region", region),
        ("X-SecondLife-Local-Position", "(%.6f, %.6f, %.6f)" % tuple(pos)),
        ("X-SecondLife-Local-Velocity", "(0.000000, 0.000000, 0.000000)"),
        ("X-SecondLife-Local-Rotation", "(0.000000, 0.000000, 0.000000, 1.000000)"),
        ("X-SecondLife-Owner-Name", owner_name),
        ("X-SecondLife-Owner-Key", owner_key),
        ("Connection", "close"),
        ("Content-Type", mimetype),
        ("Content-Length", str(len(payload))),
    ]
    head = "POST %s HTTP/1.1\r\n" % path + "".join("%s: %s\r\n" % kv for kv in headers) + "\r\n"
    sock = h.open_connection(server.port, tls)
    try:
        sock.sendall(head.encode("utf-8") + payload)
        with sock.makefile("rb") as stream:
            return h.read_http_response(stream)
    finally:
        sock.close()
