"""The Debian package, end to end, on this machine (as root): build it from a clean copy of
the tree with dpkg-buildpackage, install it with dpkg -i, check what it put where, run the
service the way its systemd unit says (user, StateDirectory, no new privileges, no
capabilities, LimitNOFILE, UMask) without systemd's PID 1, talk to it as a simulator and a
browser do, back its store up while it is being written, stop it, purge the package and check
that it is gone.

Run alone (as root):  /usr/bin/python3 tests/package/test_package.py --source . --work build/pkg
(--deb FILE tests a package built before instead of building one; --prebuilt BUILD_DIR packs
that build's webvoxd instead of compiling it, as CTest does with the suite's own build.)
It installs and purges the package `webvoxd` on this machine.
"""

import argparse
import configparser
import grp
import os
import pwd
import re
import resource
import shlex
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
import unittest
import uuid

sys.dont_write_bytecode = True
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_HERE, "..", "integration"))

import webvox_harness as h  # noqa: E402

PACKAGE = "webvoxd"
UNIT = "/lib/systemd/system/webvoxd.service"
CONFIG = "/etc/webvox/webvoxd.toml"
BINARY = "/usr/bin/webvoxd"
WEB_ROOT = "/usr/share/webvox/web"
STATE_ROOT = "/var/lib"
# What an operator's drop-in would add (Environment=): any free port, so the test cannot clash
# with another server on this machine. Everything else comes from the installed files.
TEST_ENVIRONMENT = {"WEBVOX_LISTEN": "127.0.0.1:0"}
TOOLS = {  # what the test runs, and the Debian package that brings it
    "dpkg-buildpackage": "dpkg-dev",
    "dh": "debhelper",
    "dpkg": "dpkg",
    "git": "git",
    "systemd-analyze": "systemd",
    "setpriv": "util-linux",
    "prlimit": "util-linux",
    "runuser": "util-linux",
}
START_TIMEOUT = 30.0
# A bound for a hang, not a goal: on an idle 2-core machine the build takes minutes, on one
# shared with other builds one compiler run alone has taken over 20 minutes (README).
BUILD_TIMEOUT = 3300

ARGS = None  # --source, --work


def run(args, timeout=120, **kw):
    """Runs a command, failing the test with its output if it fails. It gets a process group
    of its own, all of which is killed if it overruns (a build's compilers too)."""
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, **kw)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        raise AssertionError("%s took more than %d s:\n%s\n%s" % (
            shlex.join(args), timeout, stdout[-4000:], stderr[-4000:]))
    if proc.returncode != 0:
        raise AssertionError("%s exited %d:\n%s\n%s" % (shlex.join(args), proc.returncode,
                                                        stdout[-4000:], stderr[-4000:]))
    return subprocess.CompletedProcess(args, proc.returncode, stdout, stderr)


def read_text(path):
    with open(path) as f:
        return f.read()


def installed(package):
    proc = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True,
                          text=True)
    return proc.returncode == 0 and "installed" in proc.stdout.split()


def processes_running(binary):
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.readlink("/proc/%s/exe" % pid) == binary:
                found.append(int(pid))
        except OSError:
            pass
    return found


def read_unit(path):
    """The [Service] settings of a unit file (the last value of a repeated key wins, as for
    systemd's single-valued settings)."""
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",),
                                       comment_prefixes=("#", ";"))
    parser.optionxform = str
    with open(path) as f:
        parser.read_file(f)
    return parser


def source_copy(source, into):
    """The tracked (and new, unignored) files of the checkout, as a clean tree: no build
    folders, no local data. Inside the build folder, at a fixed path, so ccache hits on the
    next run."""
    files = run(["git", "-C", source, "ls-files", "-z", "--cached", "--others",
                 "--exclude-standard"]).stdout.split("\0")
    shutil.rmtree(into, ignore_errors=True)
    os.makedirs(into)
    for name in filter(None, files):
        path = os.path.join(source, name)
        if not os.path.lexists(path):
            continue  # deleted in the working tree
        target = os.path.join(into, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.islink(path):
            os.symlink(os.readlink(path), target)
        else:
            shutil.copy2(path, target)


class PackageTest(unittest.TestCase):
    """The steps run in order (test_1 ... test_9); each needs the ones before it."""

    deb = None
    server = None

    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise h.missing("root (the test installs and purges the package)")
        for tool, package in TOOLS.items():
            if shutil.which(tool) is None:
                raise h.missing("%s (Debian package %s)" % (tool, package))
        if processes_running(BINARY):
            raise AssertionError("a %s is already running here; stop it first" % BINARY)
        # The test ends by purging the package, which deletes /var/lib/webvox: never on a
        # machine where someone installed it for real.
        if installed(PACKAGE) or os.path.exists(os.path.join(STATE_ROOT, "webvox")):
            raise AssertionError(
                "%s is installed here (or /var/lib/webvox exists): this test would purge it and "
                "its data. Back it up and run dpkg --purge %s first." % (PACKAGE, PACKAGE))
        if ARGS.deb:
            cls.deb = os.path.abspath(ARGS.deb)
        else:
            cls.build_package()
        cls.install_output = run(["dpkg", "-i", cls.deb]).stdout

    @classmethod
    def tearDownClass(cls):
        if cls.server and cls.server.poll() is None:
            cls.server.kill()
            cls.server.wait()
        if installed(PACKAGE):
            subprocess.run(["dpkg", "--purge", PACKAGE], capture_output=True)

    @classmethod
    def build_package(cls):
        work = os.path.abspath(ARGS.work)
        version = run(["dpkg-parsechangelog", "-l",
                       os.path.join(ARGS.source, "debian", "changelog"), "-S", "Version"]
                      ).stdout.strip()
        tree = os.path.join(work, "webvox-" + version)
        source_copy(ARGS.source, tree)
        env = dict(os.environ)
        if shutil.which("ccache"):
            env["CMAKE_CXX_COMPILER_LAUNCHER"] = env["CMAKE_C_COMPILER_LAUNCHER"] = "ccache"
        # What is checked here is the packaging, not the compiler: without optimisation or
        # debug information the build takes a fraction of the time (a release build is the
        # same command without these, docs/operations.md). One job unless
        # WEBVOX_PACKAGE_JOBS says more: the suite runs two tests at once, some of them judged
        # against real time.
        env["DEB_BUILD_OPTIONS"] = "parallel=%d nocheck noopt" % int(
            os.environ.get("WEBVOX_PACKAGE_JOBS", "1"))
        if ARGS.prebuilt:
            # Pack what the suite built (debian/rules): the packaging is what is checked.
            env["WEBVOX_DEB_PREBUILT"] = os.path.abspath(ARGS.prebuilt)
        env["DEB_CFLAGS_STRIP"] = env["DEB_CXXFLAGS_STRIP"] = "-g"
        started = time.monotonic()
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        run(["dpkg-buildpackage", "-b", "-us", "-uc"], cwd=tree, env=env, timeout=BUILD_TIMEOUT)
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
        print("package: dpkg-buildpackage took %.0f s (%.0f s of CPU)"
              % (time.monotonic() - started, cpu), file=sys.stderr)
        arch = run(["dpkg", "--print-architecture"]).stdout.strip()
        cls.deb = os.path.join(work, "%s_%s_%s.deb" % (PACKAGE, version, arch))
        if not os.path.isfile(cls.deb):
            raise AssertionError("dpkg-buildpackage made no %s" % cls.deb)

    # -- what the package holds ---------------------------------------------------------------

    def test_1_contents(self):
        """The daemon, its client, config, unit and docs; nothing of the tests."""
        listing = run(["dpkg-deb", "-c", self.deb]).stdout
        paths = {line.split()[-1].lstrip(".") for line in listing.splitlines()}
        for expected in (BINARY, WEB_ROOT + "/index.html", WEB_ROOT + "/app.js", CONFIG, UNIT,
                         "/usr/share/doc/webvoxd/operations.md.gz"):
            self.assertIn(expected, paths)
        unwanted = [p for p in paths if re.search(r"test|bench|fuzz|webvox-load|\.a$", p)]
        self.assertEqual(unwanted, [])
        self.assertEqual(run(["dpkg-deb", "-f", self.deb, "Package"]).stdout.strip(), PACKAGE)

    def test_2_installed(self):
        """The user, the config's owner and mode, and nothing started without systemd."""
        user = pwd.getpwnam("webvox")
        self.assertLess(user.pw_uid, 1000, "webvox is not a system user")
        self.assertEqual(grp.getgrgid(user.pw_gid).gr_name, "webvox")
        self.assertIn(user.pw_shell, ("/usr/sbin/nologin", "/bin/false"))
        config = os.stat(CONFIG)
        self.assertEqual((config.st_uid, grp.getgrgid(config.st_gid).gr_name), (0, "webvox"))
        self.assertEqual(stat.S_IMODE(config.st_mode), 0o640)
        self.assertTrue(os.access(BINARY, os.X_OK))
        self.assertEqual(processes_running(BINARY), [], "the package started webvoxd")
        # The unit is enabled for the next boot under systemd.
        self.assertTrue(os.path.islink(
            "/etc/systemd/system/multi-user.target.wants/webvoxd.service"))

    def test_2_every_documented_setting_parses(self):
        """The installed config with every commented-out setting switched on is one webvoxd
        accepts: the documented keys and example values are the real ones."""
        with open(CONFIG) as f:
            text = f.read()
        enabled = re.sub(r"(?m)^#([a-z-]+ = )", r"\1", text)
        self.assertGreater(len(re.findall(r"(?m)^[a-z-]+ = ", enabled)), 20)
        work = h.make_tempdir(self, "webvox-package-")
        enabled = re.sub(r'(?m)^data-dir = .*$', 'data-dir = "%s"' % work, enabled)
        config = os.path.join(work, "all.toml")
        with open(config, "w") as f:
            f.write(enabled)
        # The backup subcommand reads the settings and then looks for the store: an empty
        # folder gets past the settings and stops there.
        proc = subprocess.run([BINARY, "backup", "--config", config, "--to",
                               os.path.join(work, "copy.sqlite3")], capture_output=True,
                              text=True, timeout=30)
        self.assertIn("no database at", proc.stderr)

    def test_3_unit_verifies(self):
        """systemd's own checker accepts the installed unit (it runs without PID 1)."""
        proc = subprocess.run(["systemd-analyze", "verify", UNIT], capture_output=True,
                              text=True)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertNotIn("webvoxd.service", proc.stdout + proc.stderr,
                         "systemd-analyze complains about the unit")
        unit = read_unit(UNIT)["Service"]
        for key, value in (("User", "webvox"), ("StateDirectory", "webvox"),
                           ("NoNewPrivileges", "yes"), ("CapabilityBoundingSet", ""),
                           ("ProtectSystem", "strict"), ("ProtectHome", "yes"),
                           ("PrivateTmp", "yes")):
            self.assertEqual(unit.get(key), value, key)
        self.assertGreaterEqual(int(unit["LimitNOFILE"]), 65536)
        # systemd's exposure rating of the sandbox (0 best, 10 worst), offline: a setting
        # dropped from the unit raises it.
        proc = run(["systemd-analyze", "security", "--offline=true", "--no-pager", UNIT])
        exposure = re.search(r"Overall exposure level for webvoxd\.service: ([0-9.]+)",
                             proc.stdout)
        self.assertIsNotNone(exposure, proc.stdout)
        self.assertLessEqual(float(exposure.group(1)), 2.0, proc.stdout)

    # -- the service, run as its unit says ------------------------------------------------------

    def start_as_unit(self):
        """Runs ExecStart as systemd would: StateDirectory made and owned by User with its
        mode, the process as User/Group with no new privileges and no capabilities, the
        unit's UMask and LimitNOFILE, cwd /, a clean environment, stdout to a journal stand-in
        (JOURNAL_STREAM names it, as systemd's does)."""
        service = read_unit(UNIT)["Service"]
        user = pwd.getpwnam(service["User"])
        group = grp.getgrnam(service.get("Group", service["User"]))
        state = os.path.join(STATE_ROOT, service["StateDirectory"])
        os.makedirs(state, exist_ok=True)
        os.chown(state, user.pw_uid, group.gr_gid)
        os.chmod(state, int(service.get("StateDirectoryMode", "0755"), 8))
        self.state = state
        self.journal_path = os.path.join(os.path.abspath(ARGS.work), "journal.txt")
        journal = open(self.journal_path, "w")
        self.addCleanup(journal.close)
        info = os.fstat(journal.fileno())
        env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
               "LANG": "C.UTF-8", "HOME": user.pw_dir, "USER": user.pw_name,
               "LOGNAME": user.pw_name, "STATE_DIRECTORY": state,
               "JOURNAL_STREAM": "%d:%d" % (info.st_dev, info.st_ino)}
        env.update(TEST_ENVIRONMENT)
        # systemd (PID 1) may raise the hard limit; a root without CAP_SYS_RESOURCE (a
        # container) may not, and gets as close as it can.
        nofile = min(int(service["LimitNOFILE"]), resource.getrlimit(resource.RLIMIT_NOFILE)[1])
        self.nofile = nofile
        umask = int(service.get("UMask", "0022"), 8)
        command = ["prlimit", "--nofile=%s:%s" % (nofile, nofile), "--",
                   "setpriv", "--reuid", str(user.pw_uid), "--regid", str(group.gr_gid),
                   "--init-groups", "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all",
                   "--"] + shlex.split(service["ExecStart"])
        PackageTest.server = subprocess.Popen(
            command, cwd="/", env=env, stdout=journal, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, preexec_fn=lambda: os.umask(umask))
        return self.wait_until_listening()

    def wait_until_listening(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            with open(self.journal_path) as f:
                text = f.read()
            for line in text.splitlines():
                match = re.match(r"^webvoxd: listening on (\S+):(\d+) ", line)
                if match:
                    return int(match.group(2))
            if self.server.poll() is not None:
                self.fail("webvoxd exited %d before listening:\n%s" % (self.server.returncode,
                                                                     text))
            time.sleep(0.05)
        self.fail("webvoxd did not listen within %.0f s:\n%s" % (START_TIMEOUT, text))

    def test_4_service_serves_and_backs_up(self):
        port = self.start_as_unit()
        service_pid = self.server.pid
        # It runs as webvox, unprivileged, with the unit's limits.
        status = read_text("/proc/%d/status" % self.wait_for_exec(service_pid))
        uid = pwd.getpwnam("webvox").pw_uid
        self.assertRegex(status, r"Uid:\s+%d\s+%d\s+%d\s+%d" % (uid, uid, uid, uid))
        self.assertRegex(status, r"CapEff:\s+0+\n")
        self.assertRegex(status, r"NoNewPrivs:\s+1")
        limits = read_text("/proc/%d/limits" % service_pid)
        self.assertRegex(limits, r"Max open files\s+%d\s+%d" % (self.nofile, self.nofile))

        # The generated admin password is in the state folder, not in the journal.
        password_file = os.path.join(self.state, "admin-password")
        password = read_text(password_file).strip()
        self.assertGreaterEqual(len(password), 16)
        self.assertEqual(os.stat(password_file).st_uid, uid)
        self.assertEqual(stat.S_IMODE(os.stat(password_file).st_mode), 0o600)
        journal = read_text(self.journal_path)
        self.assertNotIn(password, journal)
        self.assertIn("generated admin password for user 'admin', kept in " + password_file,
                      journal)

        # A simulator signs in and provisions; a browser gets the client from the web root.
        module = h.VivoxModule("127.0.0.1:%d" % port, admin_user="admin",
                               admin_password=password)
        self.assertTrue(module.do_admin_login(), module.log)
        page = h.module_request(port, "/", tls=False)
        self.assertEqual(page.status, 200)
        with open(os.path.join(WEB_ROOT, "index.html"), "rb") as f:
            self.assertEqual(page.body, f.read())
        # From the installed copy, not a source tree's: a file only the installed one has.
        marker = os.path.join(WEB_ROOT, "package-test-%s.txt" % uuid.uuid4().hex)
        with open(marker, "w") as f:
            f.write("installed\n")
        try:
            only_installed = h.module_request(port, "/" + os.path.basename(marker), tls=False)
            self.assertEqual((only_installed.status, only_installed.body), (200, b"installed\n"))
        finally:
            os.remove(marker)

        # A backup while the simulator keeps provisioning accounts.
        provisioned = []
        errors = []
        stop = threading.Event()

        def provision():
            while not stop.is_set():
                agent = str(uuid.uuid4())
                if module.provision(agent) is None:
                    errors.append("provisioning failed: %r" % module.log[-3:])
                    return
                provisioned.append(h.account_name(agent))

        writer = threading.Thread(target=provision)
        writer.start()
        try:
            while len(provisioned) < 20 and writer.is_alive():
                time.sleep(0.01)
            before = list(provisioned)
            backup = os.path.join(self.state, "backup.sqlite3")
            proc = run(["runuser", "-u", "webvox", "--", BINARY, "backup", "--config", CONFIG,
                        "--to", backup])
            after = len(provisioned)
        finally:
            stop.set()
            writer.join()
        self.assertEqual(errors, [])
        self.assertRegex(proc.stdout, r"webvoxd backup: .*backup\.sqlite3: \d+ bytes, "
                                      r"schema version \d+, integrity ok")
        self.assertGreaterEqual(after, len(before) + 1, "no write during the backup")
        copy = sqlite3.connect("file:%s?mode=ro" % backup, uri=True)
        try:
            self.assertEqual(copy.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
            names = {row[0] for row in copy.execute("SELECT name FROM accounts")}
        finally:
            copy.close()
        self.assertEqual([n for n in before if n not in names], [],
                         "accounts provisioned before the backup are missing from it")
        self.assertLessEqual(len(names), after + 1)

        # SIGTERM, as systemctl stop sends: a clean exit.
        self.server.send_signal(signal.SIGTERM)
        self.assertEqual(self.server.wait(timeout=20), 0, read_text(self.journal_path))

    def wait_for_exec(self, pid):
        """prlimit and setpriv exec in place: the pid runs webvoxd once they are done."""
        deadline = time.monotonic() + START_TIMEOUT
        while os.readlink("/proc/%d/exe" % pid) != BINARY:
            self.assertLess(time.monotonic(), deadline, "webvoxd was never exec'd")
            time.sleep(0.01)
        return pid

    def test_5_reinstall_keeps_the_data(self):
        """Installing over an installed package (what an upgrade runs: the maintainer scripts
        with the user and the data already there) keeps the store and the settings' mode."""
        store = os.path.join(STATE_ROOT, "webvox", "webvox.sqlite3")
        self.assertTrue(os.path.isfile(store))
        with open(store, "rb") as f:
            before = f.read()
        run(["dpkg", "-i", self.deb])
        with open(store, "rb") as f:
            self.assertEqual(f.read(), before)
        self.assertEqual(stat.S_IMODE(os.stat(CONFIG).st_mode), 0o640)
        self.assertEqual(processes_running(BINARY), [])

    # -- gone again ---------------------------------------------------------------------------

    def test_9_purge(self):
        run(["dpkg", "--purge", PACKAGE])
        self.assertFalse(installed(PACKAGE))
        for path in (BINARY, UNIT, CONFIG, "/etc/webvox", WEB_ROOT, "/usr/share/webvox",
                     os.path.join(STATE_ROOT, "webvox"),
                     "/etc/systemd/system/multi-user.target.wants/webvoxd.service"):
            self.assertFalse(os.path.lexists(path), "%s is left after the purge" % path)
        self.assertEqual(processes_running(BINARY), [])


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True, help="the checkout to package")
    parser.add_argument("--work", required=True, help="folder for the copy and the .deb")
    parser.add_argument("--deb", help="test this .deb instead of building one (not in CTest)")
    parser.add_argument("--prebuilt", help="package this CMake build folder's webvoxd instead "
                        "of compiling it again (CTest: the suite's own build)")
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2, failfast=True)


if __name__ == "__main__":
    main()
