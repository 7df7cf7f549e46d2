#!/usr/bin/env python3
"""scripts/check_layers.py passes on this tree and fails on a copy with one wrong include.

    check_layers_test.py [--root DIR]

Each case copies cmake/layers.txt and the sources of src/, tests/ and fuzz/ into a temporary
directory, changes one thing and runs the checker there: an include that crosses a forbidden
edge (world using vivox, SRTP using DTLS, the base using the domain), an include going up the
layers (core using signalling), a test or fuzz target reaching past the layer it tests, and a
file in a folder the table does not name must each fail naming the file and line; an include
the table allows must pass.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def only_sources(folder, names):
    """copytree's ignore: everything but source files and folders (corpora, data, CMake)."""
    return [name for name in names
            if not (Path(folder) / name).is_dir()
            and Path(name).suffix not in {".hpp", ".cpp", ".h", ".cc", ".ipp"}]


def run_check(root):
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "check_layers.py"),
                           "--root", str(root)], capture_output=True, text=True, timeout=120)


class CheckLayersTest(unittest.TestCase):
    def setUp(self):
        self.work = Path(tempfile.mkdtemp(prefix="check_layers_"))
        self.addCleanup(shutil.rmtree, self.work)
        (self.work / "cmake").mkdir()
        shutil.copy(ROOT / "cmake" / "layers.txt", self.work / "cmake" / "layers.txt")
        shutil.copytree(ROOT / "src", self.work / "src",
                        ignore=shutil.ignore_patterns("CMakeLists.txt"))
        for top in ("tests", "fuzz"):
            shutil.copytree(ROOT / top, self.work / top, ignore=only_sources)

    def add_include(self, file, header):
        path = self.work / file
        lines = path.read_text().splitlines(keepends=True)
        # After the file's first line, so the line number the checker reports is known: 2.
        lines.insert(1, f'#include "{header}"\n')
        path.write_text("".join(lines))

    def assert_fails_at(self, file, header):
        result = run_check(self.work)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn(f"{file}:2: includes {header}", result.stderr)
        self.assertEqual(result.stderr.count(": includes "), 1, result.stderr)

    def test_the_tree_keeps_to_the_table(self):
        result = run_check(ROOT)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")

    def test_the_copy_passes_before_it_is_changed(self):
        result = run_check(self.work)
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_world_may_not_use_vivox(self):
        self.add_include("src/world/world_request.cpp", "vivox/vivox_request.hpp")
        self.assert_fails_at("src/world/world_request.cpp", "vivox/vivox_request.hpp")

    def test_srtp_may_not_use_dtls(self):
        self.add_include("src/rtc/srtp/srtp_session.hpp", "rtc/dtls/dtls_transport.hpp")
        self.assert_fails_at("src/rtc/srtp/srtp_session.hpp", "rtc/dtls/dtls_transport.hpp")

    def test_base_may_not_use_the_domain(self):
        self.add_include("src/base/uuid.cpp", "core/channel.hpp")
        self.assert_fails_at("src/base/uuid.cpp", "core/channel.hpp")

    def test_the_domain_may_not_use_a_protocol(self):
        self.add_include("src/core/hearing.cpp", "signalling/server_message.hpp")
        self.assert_fails_at("src/core/hearing.cpp", "signalling/server_message.hpp")

    def test_an_allowed_edge_passes(self):
        # The app may use everything; a protocol may use the domain and the base.
        self.add_include("src/app/world_api.cpp", "rtc/rtp/rtp_packet.hpp")
        self.add_include("src/signalling/channel_room.cpp", "base/uuid.hpp")
        result = run_check(self.work)
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_a_test_may_not_use_a_layer_above_the_one_it_tests(self):
        self.add_include("tests/viewer/roster_test.cpp", "app/world_api.hpp")
        self.assert_fails_at("tests/viewer/roster_test.cpp", "app/world_api.hpp")

    def test_a_protocol_test_may_not_use_another_protocol(self):
        self.add_include("tests/rtc/srtp/srtp_parts_test.cpp", "rtc/dtls/dtls_transport.hpp")
        self.assert_fails_at("tests/rtc/srtp/srtp_parts_test.cpp", "rtc/dtls/dtls_transport.hpp")

    def test_a_fuzz_target_keeps_to_the_parser_it_fuzzes(self):
        self.add_include("fuzz/fuzz_srtp.cpp", "viewer/viewer_request.hpp")
        self.assert_fails_at("fuzz/fuzz_srtp.cpp", "viewer/viewer_request.hpp")

    def test_a_test_may_use_what_its_layer_may(self):
        # The media edge's tests may use the RTC stack; the one file that tests the app, the app.
        self.add_include("tests/media/media_router_test.cpp", "rtc/peer/media_transport.hpp")
        self.add_include("tests/media/sfu_service_media_test.cpp", "app/world_api.hpp")
        result = run_check(self.work)
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_a_test_path_that_is_gone_fails(self):
        (self.work / "fuzz" / "fuzz_srtp.cpp").unlink()
        result = run_check(self.work)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("fuzz/fuzz_srtp.cpp: a test path of cmake/layers.txt that does not exist",
                      result.stderr)

    def test_a_folder_outside_the_table_fails(self):
        (self.work / "src" / "stray").mkdir()
        (self.work / "src" / "stray" / "stray.hpp").write_text("#pragma once\n")
        result = run_check(self.work)
        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("src/stray/stray.hpp: in no layer", result.stderr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, default=ROOT)
    args, rest = parser.parse_known_args()
    ROOT = args.root.resolve()
    unittest.main(argv=[sys.argv[0]] + rest)
