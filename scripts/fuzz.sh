#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang into their own build directory and runs
# them over copies of their seed corpora (fuzz/corpus/<target>/, never written to).
#   scripts/fuzz.sh smoke            every target for 10 s, one per core (~2 minutes on 2 cores);
#                                    what scripts/test.sh runs
#   scripts/fuzz.sh long [seconds]   every target for [seconds] each (default 600), keeping
#                                    the grown corpus in the build directory between runs
#   scripts/fuzz.sh runs [count]     every target for [count] executions each (default
#                                    10000000), sharing the long runs' corpus
#   scripts/fuzz.sh build            only configure and build
# Prints one line per target with its number of executions; exits non-zero if any target
# crashed (the input is kept in <build>/fuzz-work/<target>/artifacts-<time>/, and a command
# to replay it is printed). Targets run side by side, WEBVOX_FUZZ_JOBS at once (default: the
# number of cores). Environment: WEBVOX_FUZZ_BUILD_DIR (default build-fuzz), WEBVOX_FUZZ_TARGETS
# (space-separated subset), WEBVOX_FUZZ_SMOKE_SECONDS (per target, default 10),
# WEBVOX_FUZZ_MAX_LEN (longest input, default 4096 bytes; shorter inputs run faster).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-smoke}
case "$mode" in
  smoke) seconds=${WEBVOX_FUZZ_SMOKE_SECONDS:-10} ;;
  long) seconds=${2:-600} ;;
  runs)
    seconds=0
    runs=${2:-10000000}
    if ! [[ "$runs" =~ ^[0-9]+$ ]]; then
      echo "fuzz: the number of runs must be a whole number, not '$runs'" >&2
      exit 2
    fi
    ;;
  build) seconds=0 ;;
  *)
    echo "usage: scripts/fuzz.sh smoke | long [seconds] | runs [count] | build" >&2
    exit 2
    ;;
esac
if ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
  echo "fuzz: seconds must be a whole number, not '$seconds'" >&2
  exit 2
fi

build_dir=${WEBVOX_FUZZ_BUILD_DIR:-build-fuzz}
# Every target fuzz/CMakeLists.txt defines (it writes their list into the build folder), or
# WEBVOX_FUZZ_TARGETS; read once the build folder is configured, below.
targets=(${WEBVOX_FUZZ_TARGETS:-})

if ! command -v clang >/dev/null || ! command -v clang++ >/dev/null; then
  echo "fuzz: clang is not installed (scripts/install-deps.sh --test installs it)" >&2
  exit 1
fi

# A build directory of clang with instrumented libraries, apart from the main build/: by
# default one of its own with only the fuzz targets; scripts/test.sh passes its sanitizer build,
# which has them too, so CI compiles the tree once.
if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
  CC=clang CXX=clang++ cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DWEBVOX_FUZZ=ON -DWEBVOX_TESTS=OFF -DWEBVOX_BENCH=OFF >/dev/null
elif ! grep -q '^WEBVOX_FUZZ:BOOL=ON' "$build_dir/CMakeCache.txt"; then
  echo "fuzz: $build_dir is configured without -DWEBVOX_FUZZ=ON; use another WEBVOX_FUZZ_BUILD_DIR" >&2
  exit 2
fi
if ((${#targets[@]} == 0)); then
  mapfile -t targets < "$build_dir/fuzz-targets.txt"
fi
cmake --build "$build_dir" --parallel "$(nproc)" --target "${targets[@]}"
if [[ "$mode" == build ]]; then exit 0; fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

work_root="$build_dir/fuzz-work"
stamp=$(date +%Y%m%d-%H%M%S)
# Targets run side by side, one per core (WEBVOX_FUZZ_JOBS), each writing its summary line
# to a file of its own; the summary is printed in the targets' order once all are done.
parallel=${WEBVOX_FUZZ_JOBS:-$(nproc)}
if ! [[ "$parallel" =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz: WEBVOX_FUZZ_JOBS must be a positive whole number, not '$parallel'" >&2
  exit 2
fi
results="$work_root/results-$stamp"
mkdir -p "$results"

fuzz_one() {
  local target=$1
  local binary="$build_dir/fuzz/$target"
  local seeds="fuzz/corpus/$target"
  local work="$work_root/$target"
  local corpus artifacts budget budget_text flags log started status executions corpus_size line
  mkdir -p "$work"
  # The fuzzer adds inputs to its first corpus directory: give it a copy, never the seeds.
  if [[ "$mode" == smoke ]]; then
    corpus="$work/corpus-smoke"
    rm -rf "$corpus"
  else
    corpus="$work/corpus-long"
  fi
  artifacts="$work/artifacts-$stamp"
  mkdir -p "$corpus" "$artifacts"
  if [[ -d "$seeds" ]]; then cp -f "$seeds"/* "$corpus"/ 2>/dev/null || true; fi

  if [[ "$mode" == runs ]]; then
    budget=(-runs="$runs")
    budget_text="$runs executions"
  else
    budget=(-max_total_time="$seconds")
    budget_text="${seconds}s"
  fi
  flags=("${budget[@]}" -timeout=10 -rss_limit_mb=2048 -max_len="${WEBVOX_FUZZ_MAX_LEN:-4096}"
         -print_final_stats=1 -artifact_prefix="$artifacts/")
  if [[ -f "fuzz/$target.dict" ]]; then flags+=(-dict="fuzz/$target.dict"); fi

  log="$work/$mode.log"
  echo "fuzz: running $target for $budget_text (log: $log)"
  started=$SECONDS
  status=0
  "$binary" "${flags[@]}" "$corpus" >"$log" 2>&1 || status=$?
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  corpus_size=$(find "$corpus" -type f | wc -l)
  if [[ $status -eq 0 ]]; then
    line="fuzz: $target: ${executions:-?} executions in $((SECONDS - started))s, corpus $corpus_size inputs, no crash"
  else
    line="fuzz: $target: ${executions:-?} executions, FAILED (exit $status)"
    touch "$results/$target.failed"
    {
      echo "---- last lines of $log ----"
      tail -n 60 "$log"
      for artifact in "$artifacts"/*; do
        [[ -e "$artifact" ]] || continue
        echo "fuzz: reproduce with: $binary $artifact"
      done
    } >&2
  fi
  rmdir "$artifacts" 2>/dev/null || true  # only kept when something was saved
  echo "$line"
  echo "$line" > "$results/$target.line"
}

for target in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= parallel)); do wait -n || true; done
  fuzz_one "$target" &
done
wait

failed=()
summary=()
for target in "${targets[@]}"; do
  summary+=("$(cat "$results/$target.line" 2>/dev/null || echo "fuzz: $target: no result")")
  if [[ -e "$results/$target.failed" || ! -e "$results/$target.line" ]]; then failed+=("$target"); fi
done
rm -rf "$results"

echo "fuzz: summary ($mode)"
printf '  %s\n' "${summary[@]}"
if ((${#failed[@]} > 0)); then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
