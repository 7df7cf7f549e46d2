#!/usr/bin/env python3
"""Fails when an #include in src/ crosses an edge that cmake/layers.txt does not allow.

    scripts/check_layers.py [--root DIR]

Every folder of the table is one layer (src/rtc/rtp, src/core, ...); a file belongs to the
layer of the longest table folder that holds it. A file may include headers of its own layer
and of the layers its layer may use, following the table's edges transitively. Includes in
quotes that name a file of src/ are checked; <system> headers and headers that are not in
src/ (they are the compiler's business) are not. A file of src/ outside every layer, and a
quoted include of src/ that is in no layer, are errors too, so a new folder has to be put in
the table. Prints one line per offending include and exits 1 if there is any, else 0.

The build enforces the same table on its own (each library's include root holds only its
layer, cmake/Layers.cmake); this check says which line is wrong, in a second, without a build.
"""

import argparse
import re
import sys
from pathlib import Path

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
SOURCE_SUFFIXES = {".hpp", ".cpp", ".h", ".cc", ".ipp"}


def read_table(path):
    """{folder: [folders it may use directly]}, in the table's order."""
    table = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
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
    return table


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
    """The table folder holding `relative` (a path under src/), the longest that fits."""
    best = None
    for folder in table:
        if relative == folder or relative.startswith(folder + "/"):
            if best is None or len(folder) > len(best):
                best = folder
    return best


def check(root):
    table = read_table(root / "cmake" / "layers.txt")
    src = root / "src"
    problems = []
    checked = 0
    for path in sorted(src.rglob("*")):
        if path.suffix not in SOURCE_SUFFIXES or not path.is_file():
            continue
        relative = path.relative_to(src).as_posix()
        layer = layer_of(table, relative)
        if layer is None:
            problems.append(f"src/{relative}: in no layer of cmake/layers.txt")
            continue
        allowed = reach(table, layer)
        text = path.read_text(errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            included = match.group(1)
            if not (src / included).is_file():
                continue
            checked += 1
            target = layer_of(table, included)
            if target is None:
                problems.append(f"src/{relative}:{number}: includes {included}, in no layer")
            elif target not in allowed:
                problems.append(f"src/{relative}:{number}: includes {included}: layer {layer} "
                                f"may not use {target} (cmake/layers.txt)")
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
    print(f"check_layers: {checked} includes of src/ keep to cmake/layers.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
