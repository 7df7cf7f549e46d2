"""webvoxd configuration: bad settings exit non-zero with a clear message on stderr; TOML
file values are used; flags override the environment, which overrides the file (seen in
the realm of channel URIs); SIGTERM exits 0.

Run alone:  /usr/bin/python3 tests/integration/test_config.py --webvoxd build/webvoxd
"""

import os
import shutil
import socket
import subprocess
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import unittest  # noqa: E402

import webvox_harness as h  # noqa: E402


def toml_string(value):
    return '"%s"' % value.replace("\\", "\\\\").replace('"', '\\"')


class BadConfigTest(unittest.TestCase):

    def setUp(self):
        self.tmp = h.make_tempdir(self)
        self.data_dir = os.path.join(self.tmp, "data")

    def write_toml(self, text, name="webvox.toml"):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def assert_refused(self, args, keywords, env=None):
        code, out, err = h.run_to_exit(args, env=env)
        detail = "args %r\nexit %r\nstdout %r\nstderr %r" % (args, code, out, err)
        self.assertIsNotNone(code, "webvoxd kept running instead of refusing: " + detail)
        self.assertNotEqual(code, 0, detail)
        self.assertNotIn("listening on", out, detail)
        self.assertTrue(err.strip(), "no message on stderr: " + detail)
        for keyword in keywords:
            self.assertIn(keyword, err, detail)
        self.assertLess(len(err.strip().splitlines()), 40, "message not short: " + detail)
        return err

    def base(self, listen="127.0.0.1:0"):
        return ["--data-dir", self.data_dir, "--listen", listen, "--admin-password", "x"]

    def test_unknown_toml_key(self):
        path = self.write_toml('data-dir = %s\nlisten = "127.0.0.1:0"\nadmin-pasword = "x"\n'
                               % toml_string(self.data_dir))
        self.assert_refused(["--config", path], ["admin-pasword"])
        self.assertFalse(os.path.exists(os.path.join(self.data_dir, "webvox.sqlite3")),
                         "refused config must not touch the data folder")

    def test_malformed_toml(self):
        path = self.write_toml('listen = "127.0.0.1:0\n')
        self.assert_refused(["--config", path], [path])

    def test_missing_config_file(self):
        path = os.path.join(self.tmp, "nope.toml")
        self.assert_refused(["--config", path], ["nope.toml"])

    def test_bad_port(self):
        self.assert_refused(self.base("127.0.0.1:70000"), ["70000"])
        self.assert_refused(self.base("127.0.0.1:http"), ["listen"])
        self.assert_refused(self.base("127.0.0.1"), ["listen"])
        self.assert_refused(["--data-dir", self.data_dir, "--admin-password", "x"], ["70000"],
                            env={"WEBVOX_LISTEN": "127.0.0.1:70000"})
        path = self.write_toml('listen = "127.0.0.1:70000"\n')
        self.assert_refused(["--config", path, "--data-dir", self.data_dir], ["70000"])

    def test_port_in_use(self):
        holder = socket.socket()
        self.addCleanup(holder.close)
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        self.assert_refused(self.base("127.0.0.1:%d" % port), [str(port)])

    def test_media_port_in_use(self):
        holder = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.addCleanup(holder.close)
        holder.bind(("127.0.0.1", 0))
        port = holder.getsockname()[1]
        err = self.assert_refused(self.base() + ["--media-mode", "always-sfu",
                                                 "--media-port", str(port)],
                                  ["media-port", "127.0.0.1:%d" % port])
        self.assertIn("in use", err)

    def test_full_disk(self):
        """A data folder on a full file system (a 1 MiB tmpfs, filled, in a mount namespace of
        its own) stops webvoxd with a message naming data-dir and the folder."""
        if os.geteuid() != 0 or shutil.which("unshare") is None:
            self.fail("needs root and unshare for a private tmpfs (CI runs as root)")
        mount = os.path.join(self.tmp, "small")
        os.mkdir(mount)
        data_dir = os.path.join(mount, "data")
        script = ('mount -t tmpfs -o size=1m tmpfs "$0" && mkdir "$0/data" && '
                  '(dd if=/dev/zero of="$0/fill" bs=4k 2>/dev/null; true) && exec "$@"')
        proc = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script,
                               mount, h.webvoxd_path(), "--data-dir", data_dir,
                               "--listen", "127.0.0.1:0"],
                              capture_output=True, text=True, timeout=30,
                              env=h.clean_environment())
        detail = "exit %r\nstdout %r\nstderr %r" % (proc.returncode, proc.stdout, proc.stderr)
        self.assertNotEqual(proc.returncode, 0, detail)
        self.assertNotIn("listening on", proc.stdout, detail)
        self.assertIn("data-dir %s" % data_dir, proc.stderr, detail)
        self.assertIn("No space left on device", proc.stderr, detail)

    def test_unwritable_data_dir(self):
        regular_file = os.path.join(self.tmp, "plain-file")
        with open(regular_file, "w") as f:
            f.write("not a folder\n")
        under_file = os.path.join(regular_file, "data")
        self.assert_refused(["--data-dir", under_file, "--listen", "127.0.0.1:0",
                             "--admin-password", "x"], [under_file])
        self.assert_refused(["--data-dir", regular_file, "--listen", "127.0.0.1:0",
                             "--admin-password", "x"], [regular_file])

    def test_tls_cert_without_key(self):
        server = h.start_server(self, os.path.join(self.tmp, "certsource"))
        self.assertEqual(server.stop(), 0)
        cert = os.path.join(self.tmp, "certsource", "tls-cert.pem")
        key = os.path.join(self.tmp, "certsource", "tls-key.pem")
        self.assertTrue(os.path.exists(cert) and os.path.exists(key),
                        "self-signed certificate not generated in the data folder")
        self.assert_refused(self.base() + ["--tls-cert", cert], ["tls-key"])
        self.assert_refused(self.base() + ["--tls-key", key], ["tls-cert"])
        self.assert_refused(self.base() + ["--tls-cert", os.path.join(self.tmp, "none.pem"),
                                           "--tls-key", key], ["none.pem"])
        # Key and certificate swapped: does not match / cannot be used.
        self.assert_refused(self.base() + ["--tls-cert", key, "--tls-key", cert], ["TLS"])

    def test_bad_values(self):
        self.assert_refused(self.base() + ["--threads", "0"], ["threads"])
        self.assert_refused(self.base() + ["--log-level", "loud"], ["log-level"])
        self.assert_refused(self.base() + ["--realm", "a b"], ["realm"])
        code, out, err = h.run_to_exit(self.base() + ["--no-such-flag"])
        self.assertNotIn(code, (0, None), err)


class ConfigSourcesTest(unittest.TestCase):

    def setUp(self):
        self.tmp = h.make_tempdir(self)
        self.data_dir = os.path.join(self.tmp, "data")
        self.config = os.path.join(self.tmp, "webvox.toml")
        with open(self.config, "w") as f:
            f.write("# webvoxd test configuration\n"
                    "data-dir = %s\n"
                    'listen = "127.0.0.1:0"\n'
                    'admin-user = "file-admin"\n'
                    'admin-password = "file-Pass"\n'
                    'realm = "file.example.org"\n'
                    'log-level = "debug"\n'
                    "threads = 1\n" % toml_string(self.data_dir))

    def serve(self, args, env=None):
        server = h.WebvoxServer(self.data_dir, args=args, env=env)
        self.addCleanup(server.cleanup)
        server.start()
        return server

    def realm_seen(self, server, admin_user="file-admin", admin_password="file-Pass",
                   channel="c"):
        sim = server.module(admin_user=admin_user, admin_password=admin_password)
        self.assertTrue(sim.do_admin_login(), "sign-in refused: %r\n%s"
                        % (sim.log[-1], server.describe()))
        ok, uri = sim.try_create_channel("", channel, "x")
        self.assertTrue(ok, sim.log[-1])
        self.assertRegex(uri, r"^sip:confctl-\d+@[^@]+$")
        return uri.split("@", 1)[1]

    def finish(self, server):
        self.assertEqual(server.stop(), 0, "SIGTERM must exit 0\n" + server.describe())

    def test_file_values_are_used(self):
        server = self.serve(["--config", self.config])
        self.assertEqual(self.realm_seen(server), "file.example.org")
        # The file's admin credentials, not the defaults.
        wrong = server.module(admin_user="admin", admin_password="file-Pass")
        self.assertFalse(wrong.do_admin_login(), wrong.log[-1])
        self.assertTrue(os.path.exists(os.path.join(self.data_dir, "webvox.sqlite3")),
                        "data-dir from the file not used")
        self.assertIn("debug", server.stderr_text(), "log-level from the file not used")
        self.finish(server)

    def test_config_file_from_environment(self):
        server = self.serve([], env={"WEBVOX_CONFIG": self.config})
        self.assertEqual(self.realm_seen(server), "file.example.org")
        self.finish(server)

    def test_environment_overrides_file(self):
        server = self.serve(["--config", self.config],
                            env={"WEBVOX_REALM": "env.example.org",
                                 "WEBVOX_ADMIN_PASSWORD": "env-Pass"})
        self.assertEqual(self.realm_seen(server, admin_password="env-Pass"), "env.example.org")
        self.assertFalse(server.module(admin_user="file-admin", admin_password="file-Pass")
                         .do_admin_login())
        self.finish(server)

    def test_flags_override_environment_and_file(self):
        server = self.serve(["--config", self.config, "--realm", "flag.example.org",
                             "--admin-password", "flag-Pass"],
                            env={"WEBVOX_REALM": "env.example.org",
                                 "WEBVOX_ADMIN_PASSWORD": "env-Pass"})
        self.assertEqual(self.realm_seen(server, admin_password="flag-Pass"),
                         "flag.example.org")
        self.assertFalse(server.module(admin_user="file-admin", admin_password="env-Pass")
                         .do_admin_login())
        self.finish(server)

    def test_realm_change_applies_to_existing_channels(self):
        """Same data, other realm: the stored channel's URI follows the configured realm
        (URIs are sip:confctl-{id}@{realm})."""
        server = self.serve(["--config", self.config])
        first = self.realm_seen(server, channel="same")
        self.finish(server)
        server = self.serve(["--config", self.config, "--realm", "moved.example.org"])
        self.assertNotEqual(first, "moved.example.org")
        self.assertEqual(self.realm_seen(server, channel="same"), "moved.example.org")
        self.finish(server)

    def test_generated_admin_password(self):
        """Without admin-password one is generated into the data folder (shown once on
        stdout, never in the log) and kept across restarts."""
        args = ["--data-dir", self.data_dir, "--listen", "127.0.0.1:0", "--admin-user", "gen",
                "--log-level", "debug"]
        server = self.serve(args)
        shown = [line for line in server.stdout_lines if "generated admin password" in line]
        self.assertEqual(len(shown), 1, server.stdout_lines)
        password = shown[0].rsplit(":", 1)[1].strip()
        self.assertGreaterEqual(len(password), 16, shown)
        stored = os.path.join(self.data_dir, "admin-password")
        self.assertEqual(os.stat(stored).st_mode & 0o077, 0, "admin-password readable by others")
        self.assertEqual(self.realm_seen(server, admin_user="gen", admin_password=password),
                         "localhost")
        self.finish(server)
        server = self.serve(args)
        self.assertFalse(any(password in line for line in server.stdout_lines),
                         "password shown again on restart")
        self.assertTrue(server.module(admin_user="gen", admin_password=password)
                        .do_admin_login(), "generated password not kept")
        self.assertNotIn(password, server.stderr_text())
        self.finish(server)

    def test_generated_tls_key_is_private(self):
        server = self.serve(["--config", self.config])
        key = os.path.join(self.data_dir, "tls-key.pem")
        self.assertTrue(os.path.exists(os.path.join(self.data_dir, "tls-cert.pem")))
        self.assertEqual(os.stat(key).st_mode & 0o077, 0, "tls-key.pem readable by others")
        self.finish(server)

    def test_given_tls_files_are_used(self):
        source = h.start_server(self, os.path.join(self.tmp, "certsource"))
        sock = h.open_connection(source.port, tls=True)
        try:
            source_cert = sock.getpeercert(binary_form=True)
        finally:
            sock.close()
        self.assertEqual(source.stop(), 0)
        copy = os.path.join(self.tmp, "given")
        os.mkdir(copy)
        for name in ("tls-cert.pem", "tls-key.pem"):
            shutil.copy(os.path.join(self.tmp, "certsource", name), os.path.join(copy, name))
        server = self.serve(["--config", self.config,
                             "--tls-cert", os.path.join(copy, "tls-cert.pem"),
                             "--tls-key", os.path.join(copy, "tls-key.pem")])
        sock = h.open_connection(server.port, tls=True)
        try:
            expected = sock.getpeercert(binary_form=True)
        finally:
            sock.close()
        self.assertEqual(expected, source_cert, "--tls-cert/--tls-key not used")
        self.assertEqual(self.realm_seen(server), "file.example.org")
        self.finish(server)


if __name__ == "__main__":
    h.main()
