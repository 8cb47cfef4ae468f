#!/usr/bin/env bash
# Runs the whole suite (both backends) and ends with the plain line
# "N passed, N failed" that CI reads.
set -uo pipefail
build=${1:-build}
log=$(mktemp)
meson test -C "$build" --print-errorlogs --num-processes 2 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$log" | tail -1)
skip=$(sed -n 's/^Skipped: *\([0-9]*\).*/\1/p' "$log" | tail -1)
fail=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p' "$log" | tail -1)
timeout=$(sed -n 's/^Timeout: *\([0-9]*\).*/\1/p' "$log" | tail -1)
rm -f "$log"
failed=$(( ${fail:-0} + ${timeout:-0} ))
echo "${ok:-0} passed, ${failed} failed, ${skip:-0} skipped"
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
[ "$failed" -eq 0 ]
