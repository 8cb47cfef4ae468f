#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets with clang (ASan + UBSan) in
# their own build directory and runs each for FUZZ_SECONDS (default 60).
# Opt-in: not part of `make test` (which runs a bounded deterministic fuzz).
#   scripts/fuzz.sh [build-dir]     env: FUZZ_SECONDS, FUZZERS
set -euo pipefail
build=${1:-build-fuzz}
seconds=${FUZZ_SECONDS:-60}
fuzzers=${FUZZERS:-"fuzz_binary_codec fuzz_json_codec fuzz_framer"}

missing=()
for p in clang libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -ne 0 ]; then
  echo "fuzz: installing ${missing[*]}"
  SUDO=""; if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  [ -n "${PTNET_APT_UPDATED:-}" ] || $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

if [ ! -f "$build/build.ninja" ]; then
  CXX=clang++ meson setup "$build" -Dfuzz=true -Dbenchmarks=false -Db_sanitize=address,undefined \
    -Db_lundef=false -Dbuildtype=debugoptimized
fi
targets=()
for f in $fuzzers; do targets+=("tests/fuzz/$f"); done
ninja -C "$build" "${targets[@]}"

for f in $fuzzers; do
  corpus="$build/corpus/$f"
  mkdir -p "$corpus"
  extra=()
  [ -d "tests/fuzz/seeds/$f" ] && extra+=("tests/fuzz/seeds/$f")
  [ "$f" = fuzz_json_codec ] && extra+=("-dict=tests/fuzz/json.dict")
  echo "== $f: $seconds s"
  log="$build/$f.log"
  set +e
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$build/tests/fuzz/$f" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$build/$f-" "$corpus" "${extra[@]}" >"$log" 2>&1
  rc=$?
  set -e
  grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)' "$log" || true
  if [ $rc -ne 0 ]; then
    tail -40 "$log"
    echo "fuzz: $f FAILED (rc $rc); log $log, reproducer $build/$f-*"
    exit 1
  fi
done
echo "fuzz: all fuzzers ran $seconds s without a finding"
