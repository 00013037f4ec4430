#!/usr/bin/env bash
# make fuzz: runs every cargo-fuzz target of fuzz/ for FUZZ_SECONDS seconds (default
# 60), one after the other, and prints one line per target with its executions and
# crashes, then a total. Exits 1 if a target crashed (or did not run), 2 if a tool is
# missing and cannot be installed.
#
#   make fuzz                                  # every target, 60 s each
#   make fuzz FUZZ_SECONDS=600                 # a long run
#   make fuzz FUZZ_TARGETS="walk csv"          # some targets
#
# Needs a nightly toolchain (installed with rustup when missing) and cargo-fuzz
# (installed with cargo when missing). Not part of `make test`: the property tests
# (tests/properties.rs) run the same checks there on the stable toolchain.
#
# Seeds are read from fuzz/corpus/<target>/ (committed) and never written to; what a
# run learns goes to fuzz/target/corpus/<target>/ and is kept for the next run. A crash
# is saved under fuzz/artifacts/<target>/; the log of each run is in
# fuzz/target/logs/<target>.log.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

secs="${FUZZ_SECONDS:-60}"
if ! [[ "$secs" =~ ^[0-9]+$ ]] || [ "$secs" -eq 0 ]; then
  echo "make fuzz: FUZZ_SECONDS must be a whole number of seconds above 0, not '$secs'" >&2
  exit 2
fi

missing() {
  echo "make fuzz: missing $1" >&2
  echo "  $2" >&2
  exit 2
}

# A nightly toolchain: cargo-fuzz builds with -Z flags.
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
  command -v rustup >/dev/null 2>&1 ||
    missing "rustup, to install a nightly toolchain" "install rustup, then: rustup toolchain install nightly --profile minimal"
  echo "== installing a nightly toolchain: rustup toolchain install nightly --profile minimal (up to 10 min)"
  timeout 600 rustup toolchain install nightly --profile minimal ||
    missing "a nightly Rust toolchain ('rustup toolchain install nightly --profile minimal' failed or timed out)" \
      "run that command where rustup's download host is reachable, then make fuzz again"
fi

# cargo-fuzz.
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz: cargo install cargo-fuzz --locked (about a minute)"
  timeout 900 cargo install cargo-fuzz --locked ||
    missing "cargo-fuzz ('cargo install cargo-fuzz --locked' failed or timed out)" \
      "run that command with access to crates.io, then make fuzz again"
fi

# No sanitizer: the crate has no unsafe code, and without ASan a target runs about
# twice as fast. Debug assertions on, so that an integer overflow is a crash.
FUZZ_FLAGS=(--sanitizer none --debug-assertions)

echo "== building the fuzz targets (cargo +nightly fuzz build)"
if ! cargo +nightly fuzz build "${FUZZ_FLAGS[@]}" >fuzz/build.log 2>&1; then
  tail -30 fuzz/build.log >&2
  echo "make fuzz: the fuzz targets do not build (fuzz/build.log)" >&2
  exit 1
fi
mv fuzz/build.log fuzz/target/build.log

if [ -n "${FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$FUZZ_TARGETS"
else
  mapfile -t targets < <(cargo +nightly fuzz list)
fi
[ "${#targets[@]}" -gt 0 ] || { echo "make fuzz: no fuzz targets found" >&2; exit 1; }

logs=fuzz/target/logs
mkdir -p "$logs"
echo "== ${#targets[@]} targets, ${secs} s each"
printf '%-20s %14s %10s %7s %8s\n' target executions exec/s cov crashes
total_runs=0
total_crashes=0
failed=()
for t in "${targets[@]}"; do
  mkdir -p "fuzz/target/corpus/$t" "fuzz/corpus/$t" "fuzz/artifacts/$t"
  dict=()
  case "$t" in
    decode_* | error_body | rate_headers | time | config | profile_url) dict=(-dict=fuzz/dicts/api.dict) ;;
  esac
  log="$logs/$t.log"
  before=$(find "fuzz/artifacts/$t" -type f | wc -l)
  # The first corpus directory receives new inputs; the committed seeds are only read.
  cargo +nightly fuzz run "${FUZZ_FLAGS[@]}" "$t" "fuzz/target/corpus/$t" "fuzz/corpus/$t" -- \
    -max_total_time="$secs" -print_final_stats=1 -timeout=30 -rss_limit_mb=2048 "${dict[@]}" >"$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  [ -n "$runs" ] || runs=$(grep -o 'Done [0-9]* runs' "$log" | tail -1 | grep -o '[0-9]\+')
  speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  crashes=$(grep -c 'Test unit written to' "$log")
  if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ]; then
    crashes=1 # it did not run to the end: a build failure or a crash without an artifact
  fi
  runs=${runs:-0}
  printf '%-20s %14s %10s %7s %8s\n' "$t" "$runs" "${speed:--}" "${cov:--}" "$crashes"
  total_runs=$((total_runs + runs))
  total_crashes=$((total_crashes + crashes))
  if [ "$crashes" -gt 0 ]; then
    failed+=("$t")
    after=$(find "fuzz/artifacts/$t" -type f | wc -l)
    [ "$after" -gt "$before" ] || echo "  (no new artifact: see $log)"
  fi
done
printf '%-20s %14s %10s %7s %8s\n' total "$total_runs" "" "" "$total_crashes"

if [ "$total_crashes" -gt 0 ]; then
  echo
  echo "make fuzz: ${#failed[@]} target(s) crashed: ${failed[*]}"
  for t in "${failed[@]}"; do
    grep -h -m1 -A2 'panicked at' "$logs/$t.log" | sed 's/^/  /'
    for a in $(grep -o 'Test unit written to .*' "$logs/$t.log" | sed 's/Test unit written to //'); do
      echo "  reproduce: cargo +nightly fuzz run ${FUZZ_FLAGS[*]} $t $a"
      echo "  the input: cargo +nightly fuzz fmt ${FUZZ_FLAGS[*]} $t $a"
    done
    echo "  log: $logs/$t.log"
  done
  exit 1
fi
