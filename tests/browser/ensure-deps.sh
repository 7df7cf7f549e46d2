#!/usr/bin/env bash
# Makes tests/browser/node_modules match package-lock.json. Does nothing (and needs no network)
# when the locked playwright-core is already installed; otherwise `npm ci`, preferring the cache.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
want=$(node -p 'require("./package-lock.json").packages["node_modules/playwright-core"].version')
have=$(node -p 'try { require("./node_modules/playwright-core/package.json").version } catch { "" }')
if [[ $want == "$have" ]]; then exit 0; fi
echo "ensure-deps: installing playwright-core $want (have: ${have:-none})" >&2
npm ci --prefer-offline --no-audit --no-fund --loglevel=error
