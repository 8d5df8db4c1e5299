#!/usr/bin/env bash
# Throughput and latency of `me`, of the nested query and of the track page (issue 14: a track
# with 3 analysed versions, its waveform at 1,024 samples per pixel and 50 comments with 2
# replies each, all liked; bench/seed_track.py, bench/track.lua), on SQLite and (if one answers)
# on the local PostgreSQL. Each query: a 5 s warm-up, then the measured run. The track page is
# seeded on the same server after `me` and `nested` were measured, so their data is unchanged.
# Needs wrk (Debian: apt-get install wrk) and python3.
# Usage: bench/run.sh [duration, default 20s] [connections, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-20s}"
connections="${2:-64}"
cargo build --release -q -p backline_server
bin=target/release/backline
port=18181
# shellcheck source=bench/server.sh
source bench/server.sh

# measure <label> <query>: a warm-up, then the measured run of bench/<query>.lua.
measure() {
    local label="$1" query="$2"
    wrk -t2 -c"$connections" -d5s -s "bench/$query.lua" "http://127.0.0.1:$port/graphql" >/dev/null  # warm-up
    echo "## $label: $query"
    wrk -t2 -c"$connections" -d"$duration" --latency -s "bench/$query.lua" "http://127.0.0.1:$port/graphql" \
        | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors"
}

run_one() {
    local label="$1" url="$2"
    "$bin" --listen "127.0.0.1:$port" --database-url "$url" --blob-url "file://$work/blobs" --data-dir "$work" >"$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
    TOKEN="$(python3 bench/seed_nested.py "http://127.0.0.1:$port")"
    export TOKEN
    for query in me nested; do
        measure "$label" "$query"
    done
    # The track page, seeded now; its editor's token replaces the nested user's.
    local seeded
    seeded="$(python3 bench/seed_track.py "http://127.0.0.1:$port")"
    read -r TOKEN TRACK <<<"$seeded"
    export TOKEN TRACK
    measure "$label" track
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

run_one "SQLite" "sqlite://$work/bench.db?mode=rwc"
if pg_isready -q -h 127.0.0.1 -p 5432; then
    db="backline_bench_$$"
    psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db"
    run_one "PostgreSQL" "postgres://postgres@127.0.0.1:5432/$db"
    psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE $db"
    db=""
fi
