#!/usr/bin/python3
"""Janus (Debian's janus 1.1) configured as an os-webrtc-janus deployment runs it: AudioBridge
as the only plugin, the HTTP transport on 127.0.0.1 with `api_secret`, its admin API on
127.0.0.1 with `admin_secret`, full ICE with trickle (Janus's default, which the addon's
deployments keep), host candidates on the benchmark namespace's veth (wvx0) only, no rooms of
its own (the addon creates them through the API). Never the system's /etc/janus.

Used by bench/viewer_janus_reference.py (emulated viewers) and bench/viewer_mix_bench.sh
(the mixing load):

    janus_config.py --folder DIR --http-port 18088 --admin-port 17088 \\
        --api-secret S --admin-secret A [--debug-level 2]
then  janus -F DIR -C DIR/janus.jcfg
"""

import argparse
import os

JANUS_LIB = "/usr/lib/x86_64-linux-gnu/janus"


def write_janus_config(folder, http_port, admin_port, api_secret, admin_secret, debug_level=4,
                       rtp_port_range="20000-40000"):
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
  debug_level = %(debug)d
  api_secret = "%(api)s"
  admin_secret = "%(admin)s"
  session_timeout = 60
}
media: {
  rtp_port_range = "%(ports)s"
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
""" % {"folder": folder, "lib": JANUS_LIB, "api": api_secret, "admin": admin_secret,
       "debug": debug_level, "ports": rtp_port_range, "plugins": ",".join(plugins),
       "transports": ",".join(transports)})
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folder", required=True)
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--admin-port", type=int, required=True)
    parser.add_argument("--api-secret", required=True)
    parser.add_argument("--admin-secret", required=True)
    parser.add_argument("--debug-level", type=int, default=4)
    args = parser.parse_args()
    write_janus_config(args.folder, args.http_port, args.admin_port, args.api_secret,
                       args.admin_secret, args.debug_level)


if __name__ == "__main__":
    main()
