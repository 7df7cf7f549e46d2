#!/usr/bin/env bash
# Command 1 of the README: install what is missing, build, and run webvoxd on its
# embedded default (SQLite in ./data, loopback). Extra arguments go to webvoxd.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec build/webvoxd --data-dir "${WEBVOX_DATA_DIR:-data}" "$@"
