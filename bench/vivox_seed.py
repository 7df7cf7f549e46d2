#!/usr/bin/python3
"""Seeds a running webvoxd for bench/vivox_http_bench.sh (Python stdlib only).

Signs in, creates CHANNELS positional channels (names: lower-case UUIDs, like parcel GlobalIDs)
and ACCOUNTS voice accounts (names: "x" + 22 base64url chars + "==", like the module's), over
plain HTTP keep-alive connections, several in parallel. Then checks one hit and one miss of
viv_chan_search.php and viv_get_acct.php over HTTP and HTTPS.

Writes to --out: token.txt, channels.txt, accounts.txt (one name per line).
"""
import argparse
import base64
import http.client
import os
import re
import ssl
import sys
import threading
import time
import uuid


def fail(message):
    print(f"vivox_seed: {message}", file=sys.stderr)
    sys.exit(1)


class Client:
    def __init__(self, port, secure=False):
        if secure:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE  # webvoxd's certificate is self-signed
            self.conn = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=30)
        else:
            self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, path):
        # The module sends raw (un-encoded) query values; so do we.
        self.conn.request("GET", path, headers={"Content-Length": "0"})
        response = self.conn.getresponse()
        body = response.read().decode("utf-8")
        if response.status != 200:
            fail(f"HTTP {response.status} for {path}: {body[:200]}")
        return body

    def close(self):
        self.conn.close()


def parallel(port, items, workers, make_path, check):
    errors = []

    def run(chunk):
        client = Client(port)
        try:
            for item in chunk:
                body = client.get(make_path(item))
                if not check(body):
                    errors.append(f"{item}: {body[:300]}")
                    return
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))
        finally:
            client.close()

    chunks = [items[i::workers] for i in range(workers)]
    threads = [threading.Thread(target=run, args=(c,)) for c in chunks if c]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        fail("seeding failed: " + errors[0])


def account_name():
    return "x" + base64.urlsafe_b64encode(uuid.uuid4().bytes).decode()[:22] + "=="


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--channels", type=int, default=10000)
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    client = Client(args.port)
    body = client.get(f"/api2/viv_signin.php?userid={args.user}&pwd={args.password}")
    match = re.search(r"<auth_token>([^<]+)</auth_token>", body)
    if not match or "<status>Ok</status>" not in body:
        fail("sign-in failed: " + body)
    token = match.group(1)
    client.close()

    channels = [str(uuid.uuid4()) for _ in range(args.channels)]
    accounts = [account_name() for _ in range(args.accounts)]

    started = time.monotonic()
    parallel(
        args.port, channels, args.workers,
        lambda name: (f"/api2/viv_chan_mod.php?mode=create&chan_name={name}&auth_token={token}"
                      f"&chan_desc=Bench%20Region:Parcel%20{name[:8]}&chan_type=positional"
                      "&chan_mode=open&chan_roll_off=2&chan_dist_model=2&chan_max_range=60"
                      "&chan_clamping_distance=10"),
        lambda body: "<chan_uri>sip:confctl-" in body)
    channel_seconds = time.monotonic() - started

    started = time.monotonic()
    parallel(
        args.port, accounts, args.workers,
        lambda name: f"/api2/viv_adm_acct_new.php?username={name}&pwd=pw{name[1:9]}&auth_token={token}",
        lambda body: "<status>OK</status>" in body)
    account_seconds = time.monotonic() - started

    # Sanity check over both transports: one hit and one miss per benchmarked call.
    for secure in (False, True):
        c = Client(args.port, secure)
        scheme = "https" if secure else "http"
        hit = c.get(f"/api2/viv_chan_search.php?cond_channame={channels[0]}&auth_token={token}")
        if "<count>1</count>" not in hit or f"<name>{channels[0]}</name>" not in hit:
            fail(f"{scheme} search hit: unexpected {hit}")
        miss = c.get(f"/api2/viv_chan_search.php?cond_channame={uuid.uuid4()}&auth_token={token}")
        if "<count>0</count>" not in miss:
            fail(f"{scheme} search miss: unexpected {miss}")
        if accounts:
            hit = c.get(f"/api2/viv_get_acct.php?auth_token={token}&user_name={accounts[0]}")
            if "<status>OK</status>" not in hit:
                fail(f"{scheme} get_acct hit: unexpected {hit}")
        miss = c.get(f"/api2/viv_get_acct.php?auth_token={token}&user_name={account_name()}")
        if "<code>403</code>" not in miss:
            fail(f"{scheme} get_acct miss: unexpected {miss}")
        c.close()

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "token.txt"), "w") as f:
        f.write(token + "\n")
    with open(os.path.join(args.out, "channels.txt"), "w") as f:
        f.write("\n".join(channels) + "\n")
    with open(os.path.join(args.out, "accounts.txt"), "w") as f:
        f.write("\n".join(accounts) + "\n")
    print(f"vivox_seed: {len(channels)} channels in {channel_seconds:.1f}s "
          f"({len(channels) / max(channel_seconds, 1e-9):.0f}/s), {len(accounts)} accounts in "
          f"{account_seconds:.1f}s ({len(accounts) / max(account_seconds, 1e-9):.0f}/s); "
          "search + get_acct hit/miss checked over HTTP and HTTPS")


if __name__ == "__main__":
    main()
