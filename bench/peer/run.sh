#!/usr/bin/env bash
# Backline against PostGraphile 5 on the same PostgreSQL data (issue 14): the nested query of
# bench/nested.lua, same load generator, alternating rounds, plus the single SQL statement that
# builds the same JSON inside PostgreSQL (the physical limit). See bench/peer/README.md.
#
# Usage: bash bench/peer/run.sh [duration, default 20s] [connections, default 64] [rounds, default 3]
# Environment: BACKLINE_BIN (a built backline binary; default: cargo build --release, then
# target/release/backline), PG_URL (default postgres://postgres@127.0.0.1:5432), PEER_WARMUP
# (default 5s), PEER_BACKLINE_PORT / PEER_POSTGRAPHILE_PORT (default 18191 / 18192).
# The last line printed is exactly "nested backline/postgraphile throughput ratio: R".
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-20s}"
connections="${2:-64}"
rounds="${3:-3}"
warmup="${PEER_WARMUP:-5s}"
pg_url="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
backline_port="${PEER_BACKLINE_PORT:-18191}"
postgraphile_port="${PEER_POSTGRAPHILE_PORT:-18192}"
peer=bench/peer

fail() { echo "run.sh: FAIL: $*" >&2; exit 1; }

# wrk and pgbench durations: "20s", "1m" or a number of seconds.
seconds() {
    case "$1" in
        *ms) fail "duration $1: use seconds or minutes" ;;
        *s) echo "${1%s}" ;;
        *m) echo $((${1%m} * 60)) ;;
        *h) echo $((${1%h} * 3600)) ;;
        *) echo "$1" ;;
    esac
}
duration_s="$(seconds "$duration")"
[[ "$duration_s" =~ ^[0-9]+$ && "$duration_s" -gt 0 ]] || fail "duration $duration is not a whole number of seconds"
[[ "$connections" =~ ^[0-9]+$ && "$connections" -gt 0 ]] || fail "connections $connections is not a number"
[[ "$rounds" =~ ^[0-9]+$ && "$rounds" -ge 1 ]] || fail "rounds $rounds is not a number"

# --- Tools -------------------------------------------------------------------------------
for tool in wrk python3 psql curl npm; do
    command -v "$tool" >/dev/null || fail "$tool is missing (Debian: apt-get install -y wrk python3 postgresql-client curl npm)"
done
pgbench="$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -n1 || true)"
[[ -n "$pgbench" && -x "$pgbench" ]] || fail "pgbench is missing (it comes with the PostgreSQL binaries)"
psql_admin=(psql -X -q -v ON_ERROR_STOP=1 "$pg_url/postgres")
"${psql_admin[@]}" -Atc "SELECT 1" >/dev/null || fail "no PostgreSQL answers at $pg_url (trust auth, user postgres)"

# PostGraphile 5 and, when the machine's node is older than 22, Node.js 22 from npm, both
# pinned by package-lock.json.
if [[ ! -d "$peer/node_modules/postgraphile" || "$peer/package-lock.json" -nt "$peer/node_modules/.package-lock.json" ]]; then
    echo "# npm ci in $peer"
    (cd "$peer" && npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci in $peer"
fi
node=node
if ! command -v node >/dev/null || [[ "$(node -p 'process.versions.node.split(".")[0]')" -lt 22 ]]; then
    node="$peer/node_modules/.bin/node"
    [[ -x "$node" ]] || fail "node is older than 22 and $node is missing (npm ci in $peer)"
fi
"$node" -e 'if (+process.versions.node.split(".")[0] < 22) process.exit(1)' || fail "$node is older than Node.js 22"

if [[ -n "${BACKLINE_BIN:-}" ]]; then
    bin="$BACKLINE_BIN"
else
    cargo build --release -q -p backline_server
    bin=target/release/backline
fi
[[ -x "$bin" ]] || fail "no backline binary at $bin"

# --- Cleanup, even on failure --------------------------------------------------------------
work="$(mktemp -d)"
db="backline_peer_$$"
backline_pid=""
postgraphile_pid=""
stop() {
    local pid="$1"
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
}
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop "$backline_pid"
    stop "$postgraphile_pid"
    "${psql_admin[@]}" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" 2>/dev/null \
        || echo "run.sh: could not drop database $db" >&2
    if [[ $status -ne 0 ]]; then
        for log in "$work"/*.log; do
            [[ -s "$log" ]] && { echo "--- last lines of $log" >&2; tail -n 20 "$log" >&2; }
        done
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for port in "$backline_port" "$postgraphile_port"; do
    if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; then fail "port $port is already taken"; fi
done

"${psql_admin[@]}" -c "CREATE DATABASE $db"
db_url="$pg_url/$db"

# --- Backline, seeded as in bench/run.sh ---------------------------------------------------
export BACKLINE_JWT_SECRET=bench-secret-bench-secret-bench-secret-xx RUST_LOG=warn
export BACKLINE_LOGIN_ATTEMPTS=1000
"$bin" --listen "127.0.0.1:$backline_port" --database-url "$db_url" --blob-url "file://$work/blobs" \
    --data-dir "$work" >"$work/backline.log" 2>&1 &
backline_pid=$!
for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:$backline_port/readyz" >/dev/null && break
    kill -0 "$backline_pid" 2>/dev/null || fail "Backline exited (see $work/backline.log above)"
    sleep 0.1
done
curl -fs "http://127.0.0.1:$backline_port/readyz" >/dev/null || fail "Backline is not ready after 60 s"
echo "# seeding Backline (1 user, 1 space, 20 projects x 10 tracks)"
TOKEN="$(python3 bench/seed_nested.py "http://127.0.0.1:$backline_port")"
export TOKEN
backline_body="$(sed -n "s/^wrk.body = '\(.*\)'$/\1/p" bench/nested.lua)"
[[ -n "$backline_body" ]] || fail "could not read the query of bench/nested.lua"

# --- PostGraphile 5 on the same database ---------------------------------------------------
NODE_ENV=production "$node" "$peer/server.mjs" "$db_url" "$postgraphile_port" >"$work/postgraphile.log" 2>&1 &
postgraphile_pid=$!
for _ in $(seq 1 600); do
    curl -fs -o /dev/null -H 'content-type: application/json' -d '{"query":"{ __typename }"}' \
        "http://127.0.0.1:$postgraphile_port/graphql" && break
    kill -0 "$postgraphile_pid" 2>/dev/null || fail "PostGraphile exited (see $work/postgraphile.log above)"
    sleep 0.1
done
curl -fs -o /dev/null -H 'content-type: application/json' -d '{"query":"{ __typename }"}' \
    "http://127.0.0.1:$postgraphile_port/graphql" || fail "PostGraphile is not ready after 60 s"
PEER_BODY="$(python3 -c '
import json, sys
text = "\n".join(line for line in open(sys.argv[1]) if not line.lstrip().startswith("#"))
print(json.dumps({"query": " ".join(text.split())}))' "$peer/query.graphql")"
export PEER_BODY

# --- The same answer from all three --------------------------------------------------------
curl -fsS -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" -d "$backline_body" \
    "http://127.0.0.1:$backline_port/graphql" >"$work/backline.json"
curl -fsS -H 'content-type: application/json' -d "$PEER_BODY" \
    "http://127.0.0.1:$postgraphile_port/graphql" >"$work/postgraphile.json"
psql -X -q -At -v ON_ERROR_STOP=1 -f "$peer/stmt.sql" "$db_url" >"$work/sql.json"
python3 "$peer/check.py" "$work/backline.json" "$work/postgraphile.json" "$work/sql.json"

# --- Alternating rounds --------------------------------------------------------------------
backline_url="http://127.0.0.1:$backline_port/graphql"
postgraphile_url="http://127.0.0.1:$postgraphile_port/graphql"
# run_wrk <duration> <script> <url>: prints "req/s p50 p99 requests errors non2xx".
run_wrk() {
    local out
    out="$(wrk -t2 -c"$connections" -d"$1" --timeout 10s -s "$2" "$3")" || fail "wrk against $3"
    out="$(grep '^peer-result ' <<<"$out" | cut -d' ' -f2-)"
    [[ -n "$out" ]] || fail "wrk against $3 printed no summary"
    echo "$out"
}
echo "# warm-up: $warmup each"
run_wrk "$warmup" "$peer/backline.lua" "$backline_url" >/dev/null
run_wrk "$warmup" "$peer/postgraphile.lua" "$postgraphile_url" >/dev/null

echo "# load average before the rounds: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo "# $rounds rounds x (Backline, PostGraphile), wrk -t2 -c$connections -d$duration"
printf '%-6s %-14s %10s %10s %10s %9s\n' round server "req/s" "p50 ms" "p99 ms" errors
results="$work/results"
: >"$results"
for round in $(seq 1 "$rounds"); do
    for server in backline postgraphile; do
        if [[ $server == backline ]]; then url="$backline_url"; else url="$postgraphile_url"; fi
        line="$(run_wrk "$duration" "$peer/$server.lua" "$url")"
        read -r rps p50 p99 requests errors non2xx <<<"$line"
        printf '%-6s %-14s %10s %10s %10s %9s\n' "$round" "$server" "$rps" "$p50" "$p99" "$((errors + non2xx))"
        echo "$round $server $rps $p50 $p99 $errors $non2xx" >>"$results"
    done
done

# The servers go before pgbench: they hold up to 20 PostgreSQL connections each.
stop "$backline_pid"; backline_pid=""
stop "$postgraphile_pid"; postgraphile_pid=""

# --- The physical limit: one SQL statement, inside PostgreSQL ------------------------------
free="$("${psql_admin[@]}" -Atc "SELECT current_setting('max_connections')::int
    - current_setting('superuser_reserved_connections')::int - count(*) - 2 FROM pg_stat_activity")"
clients="$connections"
if [[ "$free" -lt "$clients" ]]; then
    echo "# only $free PostgreSQL connections are free: pgbench runs with -c $free instead of -c $connections"
    clients="$free"
fi
pgbench_run() {
    "$pgbench" -n -M prepared -f "$peer/stmt.sql" -c "$clients" -j 2 -T "$1" "$db_url" 2>&1
}
pgbench_run 3 >/dev/null || fail "pgbench warm-up"
pg_out="$(pgbench_run "$duration_s")" || { echo "$pg_out" >&2; fail "pgbench"; }
tps="$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$pg_out" | head -n1)"
pg_latency="$(sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p' <<<"$pg_out" | head -n1)"
[[ -n "$tps" ]] || { echo "$pg_out" >&2; fail "could not read pgbench's tps"; }
printf '%-6s %-14s %10.2f %10s %10s %9s\n' "-" "json_agg SQL" "$tps" "avg $pg_latency" "-" 0
echo "# json_agg SQL: $pgbench -n -M prepared -f $peer/stmt.sql -c $clients -j 2 -T $duration_s (transactions/s)"

# --- Summary -------------------------------------------------------------------------------
python3 - "$results" "$tps" <<'EOF'
import statistics
import sys

rows = [line.split() for line in open(sys.argv[1])]
tps = float(sys.argv[2])
by = {}
for round_, server, rps, p50, p99, errors, non2xx in rows:
    by.setdefault(server, {})[int(round_)] = (float(rps), float(p50), float(p99), int(errors) + int(non2xx))
for server in ("backline", "postgraphile"):
    runs = by[server].values()
    rps = statistics.median(r[0] for r in runs)
    p50 = statistics.median(r[1] for r in runs)
    p99 = statistics.median(r[2] for r in runs)
    failed = sum(r[3] for r in runs)
    note = f", {failed} failed requests" if failed else ""
    print(f"# {server:12} median {rps:9.2f} req/s, p50 {p50:.2f} ms, p99 {p99:.2f} ms: "
          f"{100 * rps / tps:.1f}% of json_agg's {tps:.2f} tps{note}")
ratios = [by["backline"][r][0] / by["postgraphile"][r][0] for r in sorted(by["backline"])]
print("# paired ratios: " + " ".join(f"{r:.2f}" for r in ratios))
print(f"nested backline/postgraphile throughput ratio: {statistics.median(ratios):.2f}")
EOF
