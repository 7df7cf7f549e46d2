#!/usr/bin/env bash
# Installs the Debian packages webvox builds, runs and tests with.
# Idempotent: it asks apt only for what is missing, so a second run is quick and harmless.
#   scripts/install-deps.sh          what building and running the server needs
#   scripts/install-deps.sh --test   plus what the test suite and benchmarks need
#   scripts/install-deps.sh --bench  plus Janus, for bench/sfu_load_bench.sh's side-by-side run
set -euo pipefail

runtime_and_build=(
  build-essential cmake ninja-build pkg-config
  libboost-dev libboost-system-dev   # Asio + Beast: HTTP/TLS listener
  libssl-dev                         # TLS, DTLS, SRTP, hashing, certificate generation
  zlib1g-dev                         # CRC-32 for the STUN FINGERPRINT attribute
  libusrsctp-dev                     # SCTP for WebRTC data channels
  libsqlite3-dev                     # embedded default store
  libpugixml-dev                     # Vivox XML responses
  nlohmann-json3-dev                 # JSON (signalling)
  libspdlog-dev libfmt-dev           # logging
  libcli11-dev                       # command line
  libtomlplusplus-dev                # config file
  libopus-dev                        # Opus decode/encode for the viewers' per-listener mix (src/mixer)
  python3                            # integration tests and helper scripts
)
test_only=(
  libgtest-dev libgmock-dev libbenchmark-dev
  libsrtp2-dev                       # the reference SRTP the tests and srtp_bench check against
  clang libclang-rt-14-dev           # libFuzzer targets, sanitizers
  wrk                                # HTTP benchmark
  sqlite3                            # inspecting stores in tests
  iproute2 util-linux                # loopback-only network namespaces (ip, unshare) for WebRTC tests
  python3-websockets                 # signalling tests
  python3-aiortc python3-numpy       # a scripted WebRTC peer and its tone detector
  chromium sox                       # real-browser tests with fake microphones playing tones
  nodejs                             # playwright-core drives Debian's chromium
)

# Only the SFU comparison needs Janus, and Debian's package enables a janus service on install:
# kept out of --test so CI and test machines do not get a second media server running.
bench_only=(
  janus                              # the VideoRoom the SFU load benchmark compares against
)

wanted=("${runtime_and_build[@]}")
case "${1:-}" in
  --test) wanted+=("${test_only[@]}") ;;
  --bench) wanted+=("${test_only[@]}" "${bench_only[@]}") ;;
esac

missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# Some Node.js builds bring their own npm; Debian's npm package would clash with them.
if [[ "${1:-}" == --test || "${1:-}" == --bench ]] && ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi
if ((${#missing[@]} == 0)); then exit 0; fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: need root to install: ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
