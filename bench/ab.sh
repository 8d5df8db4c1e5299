#!/usr/bin/env bash
# Paired A/B rounds of two Backline binaries on the same workload: each round starts binary A,
# then binary B, each on a fresh database seeded the same way (bench/seed_nested.py and
# bench/seed_track.py), and measures `me`, the nested query and the track page under
# `connections` connections, then the nested query and the track page one request at a time
# (a lone client: its p50 is the latency of one request on an idle server).
# Needs wrk and python3; PostgreSQL only for `postgres`.
#
# Usage: bench/ab.sh BIN_A BIN_B [sqlite|postgres, default sqlite] [duration, default 10s]
#                    [connections, default 64] [rounds, default 3]
# Prints one line per measurement: round, binary, query, req/s, p50, p99.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 2 ]] || { echo "usage: bench/ab.sh BIN_A BIN_B [sqlite|postgres] [duration] [connections] [rounds]" >&2; exit 2; }
bins=("$1" "$2")
database="${3:-sqlite}"
duration="${4:-10s}"
connections="${5:-64}"
rounds="${6:-3}"
for tool in wrk python3 curl; do
    command -v "$tool" >/dev/null || { echo "ab.sh: $tool is missing (Debian: apt-get install -y $tool)" >&2; exit 1; }
done
port=18281
# shellcheck source=bench/server.sh
source bench/server.sh

# wrk's summary as "req/s p50 p99".
figures() {
    python3 -c '
import re, sys
text = sys.stdin.read()
rate = re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)
p50 = re.search(r"\s50%\s+(\S+)", text).group(1)
p99 = re.search(r"\s99%\s+(\S+)", text).group(1)
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(rate, p50, p99, "errors=" + (errors.group(1) if errors else "0"))'
}

run() {
    local round="$1" label="$2" bin="$3" url
    rm -rf "$work/data"; mkdir -p "$work/data"
    if [[ "$database" == postgres ]]; then
        db="backline_ab_$$"
        psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)"
        psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db"
        url="postgres://postgres@127.0.0.1:5432/$db"
    else
        url="sqlite://$work/data/bench.db?mode=rwc"
    fi
    "$bin" --listen "127.0.0.1:$port" --database-url "$url" --blob-url "file://$work/data/blobs" --data-dir "$work/data" >"$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
    local nested_token seeded
    nested_token="$(python3 bench/seed_nested.py "http://127.0.0.1:$port")"
    seeded="$(python3 bench/seed_track.py "http://127.0.0.1:$port")"
    read -r TRACK_TOKEN TRACK <<<"$seeded"
    export TRACK
    local query c
    for query in me nested track nested track; do
        case "$query" in track) TOKEN="$TRACK_TOKEN" ;; *) TOKEN="$nested_token" ;; esac
        export TOKEN
        c="$connections"
        # The second nested and track runs are the lone client.
        if [[ " $done_once " == *" $query "* ]]; then c=1; fi
        wrk -t1 -c"$c" -d2s -s "bench/$query.lua" "http://127.0.0.1:$port/graphql" >/dev/null
        echo "$round $label $query c=$c $(wrk -t"$((c > 1 ? 2 : 1))" -c"$c" -d"$duration" --latency -s "bench/$query.lua" "http://127.0.0.1:$port/graphql" | figures)"
        done_once="$done_once $query"
    done
    done_once=""
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
    server_pid=""
    if [[ -n "$db" ]]; then psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE $db WITH (FORCE)"; db=""; fi
}

done_once=""
echo "# round binary query connections req/s p50 p99 ($database, $duration each; A=${bins[0]} B=${bins[1]})"
for round in $(seq 1 "$rounds"); do
    run "$round" A "${bins[0]}"
    run "$round" B "${bins[1]}"
done
