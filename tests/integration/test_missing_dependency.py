#!/usr/bin/env python3
"""A missing test package fails the suite, naming the package; it is not a quiet skip.

The browser tests need chromium, sox and node; the WebRTC integration tests python3-aiortc,
the signalling ones python3-websockets. Each runner, on a machine without one of them, must
exit non-zero with the package's name (so CI, which runs scripts/test.sh, goes red and says
what to install), and skip (exit 77, or unittest's skip) only under the developer's opt-in
WEBVOX_ALLOW_SKIP=1 (tests/support/missing_dependency.sh, webvox_harness.missing()).

Each case runs a real runner with one dependency taken away: CHROMIUM pointing nowhere (what
a machine without the chromium package sees), a PATH without sox, or a Python module shadowed
by one that fails to import, as when its Debian package is not installed. Nothing here starts
a browser or a server: the runners stop at the missing dependency.

    python3 tests/integration/test_missing_dependency.py --webvoxd build/webvoxd
"""

import os
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _HERE)

import webvox_harness as h  # noqa: E402

REPO = os.path.abspath(os.path.join(_HERE, "..", ".."))
BROWSER_RUN = os.path.join(REPO, "tests", "browser", "run.sh")
EMULATOR_RUN = os.path.join(REPO, "tests", "viewer-emulator", "run.sh")
NOWHERE = "/nonexistent/webvox-check/chromium"


def run(command, env_changes, timeout=120):
    env = dict(os.environ)
    env.pop(h.ALLOW_SKIP_ENV, None)  # as in CI: scripts/test.sh never sets it
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    return proc.returncode, proc.stdout + proc.stderr


class ShellRunners(unittest.TestCase):
    """tests/browser/run.sh and tests/viewer-emulator/run.sh."""

    def test_browser_test_without_chromium_fails_naming_it(self):
        code, out = run(["bash", BROWSER_RUN, h.webvoxd_path(), "voice.test.mjs"],
                        {"CHROMIUM": NOWHERE})
        self.assertEqual(code, 1, out)
        self.assertIn("FAIL: missing dependency: %s (package chromium)" % NOWHERE, out)

    def test_browser_test_without_chromium_skips_only_when_allowed(self):
        code, out = run(["bash", BROWSER_RUN, h.webvoxd_path(), "voice.test.mjs"],
                        {"CHROMIUM": NOWHERE, h.ALLOW_SKIP_ENV: "1"})
        self.assertEqual(code, 77, out)  # CTest's SKIP_RETURN_CODE
        self.assertIn("SKIP: missing dependency: %s (package chromium)" % NOWHERE, out)

    def test_browser_test_without_sox_fails_naming_it(self):
        # A PATH with only what run.sh needs before its checks, and chromium "present".
        with tempfile.TemporaryDirectory() as bin_dir:
            for tool in ("dirname", "realpath"):
                os.symlink(subprocess.check_output(["sh", "-c", "command -v " + tool],
                                                   text=True).strip(),
                           os.path.join(bin_dir, tool))
            code, out = run(["/bin/bash", BROWSER_RUN, h.webvoxd_path(), "voice.test.mjs"],
                            {"PATH": bin_dir, "CHROMIUM": "/bin/true"})
        self.assertEqual(code, 1, out)
        self.assertIn("FAIL: missing dependency: sox (package sox)", out)

    def test_viewer_emulator_without_chromium_fails_naming_it(self):
        code, out = run(["bash", EMULATOR_RUN, "emulator.test.mjs"], {"CHROMIUM": NOWHERE})
        self.assertEqual(code, 1, out)
        self.assertIn("FAIL: missing dependency: %s (package chromium)" % NOWHERE, out)


class PythonTests(unittest.TestCase):
    """Integration tests written with webvox_harness, a module shadowed away."""

    def setUp(self):
        self._shadow = tempfile.TemporaryDirectory()
        self.addCleanup(self._shadow.cleanup)

    def shadow(self, module):
        """A PYTHONPATH on which `import module` fails, as without its package."""
        package = os.path.join(self._shadow.name, module)
        os.makedirs(package)
        with open(os.path.join(package, "__init__.py"), "w") as f:
            f.write("raise ImportError('%s hidden by test_missing_dependency')\n" % module)
        return self._shadow.name

    def test_without_websockets_the_signalling_tests_fail_naming_the_package(self):
        command = [sys.executable, os.path.join(_HERE, "test_world.py"),
                   "--webvoxd", h.webvoxd_path(), "WorldCase"]
        code, out = run(command, {"PYTHONPATH": self.shadow("websockets")})
        self.assertNotEqual(code, 0, out)
        self.assertIn("FAIL: missing dependency: python3-websockets", out)
        self.assertNotIn("skipped", out)

        code, out = run(command, {"PYTHONPATH": self._shadow.name, h.ALLOW_SKIP_ENV: "1"})
        self.assertEqual(code, 0, out)
        self.assertIn("SKIP: missing dependency: python3-websockets", out)

    def test_without_aiortc_the_webrtc_tests_fail_naming_the_package(self):
        command = [sys.executable, os.path.join(_HERE, "test_aiortc_mesh.py"),
                   "--webvoxd", h.webvoxd_path()]
        code, out = run(command, {"PYTHONPATH": self.shadow("aiortc")}, timeout=300)
        self.assertNotEqual(code, 0, out)
        # Where no loopback-only namespace can be made (not root) that is what is missing
        # first, and named instead.
        if h.why_no_namespace() is None:
            self.assertIn("FAIL: missing dependency: the aiortc peer needs the python3-aiortc"
                          " package", out)
        else:
            self.assertIn("FAIL: missing dependency: " + h.why_no_namespace(), out)
        self.assertNotIn("skipped", out)

    def test_harness_raises_a_failure_unless_skips_are_allowed(self):
        saved = os.environ.pop(h.ALLOW_SKIP_ENV, None)
        try:
            self.assertIsInstance(h.missing("x (package y)"), h.MissingDependency)
            os.environ[h.ALLOW_SKIP_ENV] = "1"
            self.assertIsInstance(h.missing("x (package y)"), unittest.SkipTest)
            os.environ[h.ALLOW_SKIP_ENV] = "yes"  # only 1 opts in
            self.assertIsInstance(h.missing("x (package y)"), h.MissingDependency)
        finally:
            os.environ.pop(h.ALLOW_SKIP_ENV, None)
            if saved is not None:
                os.environ[h.ALLOW_SKIP_ENV] = saved


if __name__ == "__main__":
    h.main()
