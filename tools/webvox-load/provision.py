#!/usr/bin/python3
"""Prepares a webvox-load run against a running webvoxd: signs in to the Vivox API as the
region module does, creates one positional channel (the module's default properties), and
mints one join token per session through /admin/join-tokens, one per line in --out.
Standard library only; plain HTTP on loopback.

    provision.py --server 127.0.0.1:8443 --admin-user admin --admin-password PW \\
        --count 50 --out tokens.txt
"""

import argparse
import base64
import http.client
import json
import re
import sys
import uuid


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", default="127.0.0.1:8443")
    parser.add_argument("--admin-user", required=True)
    parser.add_argument("--admin-password", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    host, port = args.server.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=10)

    def get(target):
        connection.request("GET", target)
        return connection.getresponse().read().decode("utf-8", "replace")

    body = get("/api2/viv_signin.php?userid=%s&pwd=%s" % (args.admin_user, args.admin_password))
    match = re.search(r"<auth_token>([^<]+)</auth_token>", body)
    if not match:
        sys.exit("provision: admin sign-in failed: " + body)
    token = match.group(1)
    name = "load-" + uuid.uuid4().hex[:12]
    body = get("/api2/viv_chan_mod.php?mode=create&chan_name=%s&auth_token=%s"
               "&chan_desc=Load%%20Region&chan_type=positional&chan_mode=open&chan_roll_off=2"
               "&chan_dist_model=2&chan_max_range=60&chan_clamping_distance=10" % (name, token))
    match = re.search(r"<chan_uri>([^<]+)</chan_uri>", body)
    if not match:
        sys.exit("provision: channel creation failed: " + body)
    channel = match.group(1)

    auth = "Basic " + base64.b64encode(
        ("%s:%s" % (args.admin_user, args.admin_password)).encode()).decode()
    tokens = []
    for i in range(args.count):
        request = {"account": "xload%04d==" % i, "channel": channel, "name": "load %d" % i,
                   "ttl": 3600}
        connection.request("POST", "/admin/join-tokens", json.dumps(request),
                           {"Authorization": auth, "Content-Type": "application/json"})
        response = connection.getresponse()
        answer = response.read().decode()
        if response.status != 200:
            sys.exit("provision: join token refused (%d): %s" % (response.status, answer))
        tokens.append(json.loads(answer)["token"])
    with open(args.out, "w") as out:
        out.write("\n".join(tokens) + "\n")
    print(channel)


if __name__ == "__main__":
    main()
