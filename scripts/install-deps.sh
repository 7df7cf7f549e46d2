#!/usr/bin/env bash
# Installs the Debian packages webvox builds, runs and tests with.
# Idempotent: it asks apt only for what is missing, so a second run is quick and harmless.
#   scripts/install-deps.sh          what building and running webvoxd needs (scripts/run.sh)
#   scripts/install-deps.sh --test   plus what the test suite and benchmarks need
#   scripts/install-deps.sh --bench  plus Janus, for bench/sfu_load_bench.sh's side-by-side run
#   scripts/install-deps.sh --list runtime|test|bench
#                                    prints, one per line, what that list adds (runtime: the
#                                    packages of the first form; test: what --test adds to them;
#                                    bench: what --bench adds to those), installing nothing
# Without root it installs nothing: it names what is missing and exits 1.
set -euo pipefail

# Only what building webvoxd and running it needs: tests/run_path checks that webvoxd builds
# and serves with every package below it absent.
runtime_and_build=(
  build-essential cmake ninja-build
  pkg-config                         # finds libopus (and, for the tests, libsrtp2)
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
)
test_only=(
  libgtest-dev libgmock-dev libbenchmark-dev
  python3                            # integration tests and helper scripts
  libsrtp2-dev                       # the reference SRTP the tests and srtp_bench check against
  clang libclang-rt-14-dev           # libFuzzer targets, sanitizers
  wrk                                # HTTP benchmark
  sqlite3                            # inspecting stores in tests
  iproute2 util-linux                # loopback-only network namespaces (ip, unshare) for WebRTC tests
  python3-websockets                 # signalling tests
  python3-aiortc python3-numpy       # a scripted WebRTC peer and its tone detector
  chromium sox                       # real-browser tests with fake microphones playing tones
  nodejs npm                         # playwright-core drives Debian's chromium
  coturn                             # browser.turn: a real TURN relay (use-auth-secret); the test runs its own
  nftables                           # browser.turn: the firewall in the browser's namespace that forces the relay
  prometheus                         # promtool checks /metrics follows the exposition format and naming rules
                                     # (under systemd the package also enables a prometheus service on :9090)
  debhelper systemd                  # tests/package: dpkg-buildpackage's dh, systemd-analyze verify of the unit
)

# Only the SFU comparison needs Janus, and Debian's package enables a janus service on install:
# kept out of --test so CI and test machines do not get a second media server running.
bench_only=(
  janus                              # VideoRoom and AudioBridge, which the load benchmarks compare against
)

usage() {
  echo "usage: scripts/install-deps.sh [--test | --bench | --list runtime|test|bench]" >&2
  exit 2
}

wanted=("${runtime_and_build[@]}")
purpose="building and running webvoxd"
case "${1:-}" in
  "") ;;
  --test) wanted+=("${test_only[@]}"); purpose="the test suite" ;;
  --bench) wanted+=("${test_only[@]}" "${bench_only[@]}"); purpose="the benchmarks" ;;
  --list)
    case "${2:-}" in
      runtime) printf '%s\n' "${runtime_and_build[@]}" ;;
      test) printf '%s\n' "${test_only[@]}" ;;
      bench) printf '%s\n' "${bench_only[@]}" ;;
      *) usage ;;
    esac
    exit 0
    ;;
  *) usage ;;
esac

missing=()
for pkg in "${wanted[@]}"; do
  # Some Node.js builds bring their own npm; Debian's npm package would clash with them.
  if [[ $pkg == npm ]] && command -v npm >/dev/null 2>&1; then continue; fi
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]} == 0)); then exit 0; fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: $purpose needs these Debian packages, which are not installed:" >&2
  echo "  ${missing[*]}" >&2
  echo "install-deps: run this script as root to install them, or: apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
