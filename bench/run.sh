#!/usr/bin/env bash
# Throughput and latency of `me` and of the nested query, on SQLite and (if one answers) on
# the local PostgreSQL. Needs wrk (Debian: apt-get install wrk) and python3.
# Usage: bench/run.sh [duration, default 20s] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-20s}"
connections="${2:-64}"
cargo build --release -q -p backline_server
bin=target/release/backline
port=18181
work="$(mktemp -d)"
export BACKLINE_JWT_SECRET=bench-secret-bench-secret-bench-secret-xx RUST_LOG=warn
export BACKLINE_LOGIN_ATTEMPTS=1000

run_one() {
    local label="$1" url="$2"
    "$bin" --listen "127.0.0.1:$port" --database-url "$url" --blob-url "file://$work/blobs" --data-dir "$work" >"$work/server.log" 2>&1 &
    local pid=$!
    for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
    TOKEN="$(python3 bench/seed_nested.py "http://127.0.0.1:$port")"
    export TOKEN
    for query in me nested; do
        wrk -t2 -c"$connections" -d5s -s "bench/$query.lua" "http://127.0.0.1:$port/graphql" >/dev/null  # warm-up
        echo "## $label: $query"
        wrk -t2 -c"$connections" -d"$duration" --latency -s "bench/$query.lua" "http://127.0.0.1:$port/graphql" \
            | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors"
    done
    kill "$pid"; wait "$pid" 2>/dev/null || true
}

run_one "SQLite" "sqlite://$work/bench.db?mode=rwc"
if pg_isready -q -h 127.0.0.1 -p 5432; then
    db="backline_bench_$$"
    psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db"
    run_one "PostgreSQL" "postgres://postgres@127.0.0.1:5432/$db"
    psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE $db"
fi
rm -rf "$work"
