#!/usr/bin/env python3
"""Fails when an #include in src/, tests/ or fuzz/ crosses an edge cmake/layers.txt forbids.

    scripts/check_layers.py [--root DIR]

Every folder of the table is one layer (src/rtc/rtp, src/core, ...); a file belongs to the
layer of the longest table folder that holds it. A file may include headers of its own layer
and of the layers its layer may use, following the table's edges transitively. Includes in
quotes that name a file of src/ are checked; <system> headers and headers that are not in
src/ (they are the compiler's business) are not. A file of src/ outside every layer, and a
quoted include of src/ that is in no layer, are errors too, so a new folder has to be put in
the table. Prints one line per offending include and exits 1 if there is any, else 0.

The table's `test` lines do the same for tests and fuzz targets: a file under a `test` path
(the longest that holds it) may include what the layers that line names may. Tests outside
every `test` path (tests/unit, whose executables each link one layer, and the end-to-end
suites) are left to the build. A `test` path that does not exist is an error.

The build enforces the same table on its own (each library's include root holds only its
layer, cmake/Layers.cmake); this check says which line is wrong, in a second, without a build.
"""

import argparse
import re
import sys
from pathlib import Path

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
SOURCE_SUFFIXES = {".hpp", ".cpp", ".h", ".cc", ".ipp"}


PATH = re.compile(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*")


def read_table(path):
    """({folder: [folders it may use directly]}, {test path: [layers it tests]}), in order."""
    table = {}
    tests = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("test "):
            tested, colon, layers = line[len("test "):].partition(":")
            tested = tested.strip()
            if not colon or not PATH.fullmatch(tested) or not layers.split():
                raise SystemExit(f"{path}:{number}: expected 'test <path>: <layers>', got {line!r}")
            if tested in tests:
                raise SystemExit(f"{path}:{number}: test {tested} is in the table twice")
            tests[tested] = layers.split()
            continue
        folder, colon, uses = line.partition(":")
        folder = folder.strip()
        if not colon or not re.fullmatch(r"[a-z0-9_]+(/[a-z0-9_]+)*", folder):
            raise SystemExit(f"{path}:{number}: expected '<folder>: <folders>', got {line!r}")
        if folder in table:
            raise SystemExit(f"{path}:{number}: {folder} is in the table twice")
        table[folder] = uses.split()
    for folder, uses in table.items():
        for used in uses:
            if used not in table:
                raise SystemExit(f"{path}: {folder} may use {used}, which is not a layer")
    for tested, layers in tests.items():
        for layer in layers:
            if layer not in table:
                raise SystemExit(f"{path}: test {tested} names {layer}, which is not a layer")
    return table, tests


def reach(table, folder):
    """The layers `folder` may include: itself and everything its edges lead to."""
    seen = {folder}
    pending = [folder]
    while pending:
        for used in table[pending.pop()]:
            if used not in seen:
                seen.add(used)
                pending.append(used)
    return seen


def layer_of(table, relative):
    """The key of `table` holding `relative`, the longest that fits: the layer of a path under
    src/, or (given the test paths) the test path of a path of the tree."""
    best = None
    for folder in table:
        if relative == folder or relative.startswith(folder + "/"):
            if best is None or len(folder) > len(best):
                best = folder
    return best


def source_files(folder):
    return [path for path in sorted(folder.rglob("*"))
            if path.suffix in SOURCE_SUFFIXES and path.is_file()]


def check_includes(path, shown, who, allowed, table, src):
    """(problems, how many checked) of the quoted includes of src/ files in `path`, which may
    use the layers `allowed`; `shown` names the file and `who` its side in the messages."""
    problems = []
    checked = 0
    for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
        match = INCLUDE.match(line)
        if not match or not (src / match.group(1)).is_file():
            continue
        included = match.group(1)
        checked += 1
        target = layer_of(table, included)
        if target is None:
            problems.append(f"{shown}:{number}: includes {included}, in no layer")
        elif target not in allowed:
            problems.append(f"{shown}:{number}: includes {included}: {who} may not use {target} "
                            f"(cmake/layers.txt)")
    return problems, checked


def check(root):
    table, tests = read_table(root / "cmake" / "layers.txt")
    src = root / "src"
    problems = []
    checked = 0
    for path in source_files(src):
        relative = path.relative_to(src).as_posix()
        layer = layer_of(table, relative)
        if layer is None:
            problems.append(f"src/{relative}: in no layer of cmake/layers.txt")
            continue
        found, count = check_includes(path, f"src/{relative}", f"layer {layer}",
                                      reach(table, layer), table, src)
        problems += found
        checked += count

    for tested in tests:
        if not (root / tested).exists():
            problems.append(f"{tested}: a test path of cmake/layers.txt that does not exist")
    for top in ("tests", "fuzz"):
        for path in source_files(root / top):
            relative = path.relative_to(root).as_posix()
            entry = layer_of(tests, relative)
            if entry is None:
                continue
            allowed = set().union(*(reach(table, layer) for layer in tests[entry]))
            found, count = check_includes(path, relative, f"tests of {' '.join(tests[entry])}",
                                          allowed, table, src)
            problems += found
            checked += count
    return problems, checked


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent,
                        help="the source tree to check (default: this checkout)")
    args = parser.parse_args()
    problems, checked = check(args.root)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"check_layers: {len(problems)} include(s) cross the layers", file=sys.stderr)
        return 1
    print(f"check_layers: {checked} includes of src/, tests/ and fuzz/ keep to cmake/layers.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
