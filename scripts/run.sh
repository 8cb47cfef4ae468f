#!/usr/bin/env bash
# `make run`: the main job. Starts ptnet-server --echo pinned to one CPU,
# drives it with ptnet-load pinned to another for ~10 s, prints the report,
# then stops the server with SIGTERM (it flushes and exits 0).
#   scripts/run.sh [build-dir]   (env: CONNS, DEPTH, SIZE, DURATION, PORT)
set -euo pipefail
build=${1:-build}
conns=${CONNS:-100}
depth=${DEPTH:-16}
size=${SIZE:-64}
duration=${DURATION:-10}
port=${PORT:-4000}

cpus=$(nproc)
server_cpu=0
load_cpu=$(( cpus > 1 ? 1 : 0 ))

log=$(mktemp)
taskset -c "$server_cpu" "$build/app/ptnet-server" --echo --cpus "$server_cpu" --tcp-port "$port" \
  --host 127.0.0.1 >"$log" 2>&1 &
server=$!
cleanup() { kill -TERM "$server" 2>/dev/null || true; }
trap cleanup EXIT

for _ in $(seq 1 100); do
  grep -q "listening on" "$log" && break
  if ! kill -0 "$server" 2>/dev/null; then cat "$log"; echo "ptnet-server failed to start"; exit 1; fi
  sleep 0.05
done
cat "$log"
echo "== ptnet-load: $conns connections x depth $depth, $size-byte frames, ${duration}s (server on cpu $server_cpu, load on cpu $load_cpu)"
set +e
taskset -c "$load_cpu" "$build/bench/load/ptnet-load" --mode echo --host 127.0.0.1 --port "$port" \
  --conns "$conns" --depth "$depth" --size "$size" --duration "$duration" --warmup 1 \
  --cpus "$load_cpu" --server-pid "$server"
rc=$?
set -e
trap - EXIT
kill -TERM "$server"
wait "$server"
echo "== ptnet-server exited with status $? after SIGTERM"
tail -n 2 "$log"
rm -f "$log"
exit $rc
