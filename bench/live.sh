#!/usr/bin/env bash
# Live delivery to many subscribers on one track: for each count, a fresh server (release build,
# SQLite, one process) and `backline-loadgen` with one WebSocket per subscriber, both on this
# machine. Prints p50/p99 from the mutation's response to each receipt and the server's
# resident memory per idle subscriber.
# Usage: bench/live.sh [counts, default "1000 5000 10000"] [rounds, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
counts="${1:-1000 5000 10000}"
rounds="${2:-20}"
cargo build --release -q -p backline_server -p backline_loadgen
# Each socket is a file descriptor on both sides.
ulimit -n "$(ulimit -Hn)" || true
port=18282
work="$(mktemp -d)"
export BACKLINE_JWT_SECRET=bench-secret-bench-secret-bench-secret-xx RUST_LOG=warn
for count in $counts; do
    rm -rf "$work"/*
    BACKLINE_WS_MAX_SOCKETS_PER_USER=$((count + 10)) BACKLINE_ANALYSIS_WORKERS=0 \
        target/release/backline --listen "127.0.0.1:$port" --database-url "sqlite://$work/live.db?mode=rwc" \
        --blob-url "file://$work/blobs" --data-dir "$work" >"$work/server.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
    echo "## $count subscribers"
    target/release/backline-loadgen --url "http://127.0.0.1:$port" --subscribers "$count" \
        --rounds "$rounds" --server-pid "$pid"
    kill "$pid"; wait "$pid" 2>/dev/null || true
done
rm -rf "$work"
