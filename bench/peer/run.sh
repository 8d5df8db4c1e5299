#!/usr/bin/env bash
# Backline against PostGraphile 5 on the same PostgreSQL data (issue 14): the nested query of
# bench/nested.lua, same load generator, alternating rounds, plus the single SQL statement that
# builds the same JSON inside PostgreSQL (the physical limit); then the track page of
# bench/track.lua (seeded by bench/seed_track.py) the same way, without a SQL statement.
# See bench/peer/README.md.
#
# Usage: bash bench/peer/run.sh [duration, default 20s] [connections, default 64] [rounds, default 3]
# Environment: BACKLINE_BIN (a built backline binary; default: cargo build --release, then
# target/release/backline), PG_URL (default postgres://postgres@127.0.0.1:5432), PEER_WARMUP
# (default 5s), PEER_BACKLINE_PORT / PEER_POSTGRAPHILE_PORT (default 18191 / 18192), PEER_TRACK
# (0: the nested query only).
# The line before the last is "track backline/postgraphile throughput ratio: R" (unless
# PEER_TRACK=0); the last line printed is exactly "nested backline/postgraphile throughput ratio: R".
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-20s}"
connections="${2:-64}"
# wrk needs at least one connection per thread: one thread for a lone client.
threads=$(( connections > 1 ? 2 : 1 ))
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
backline_url="http://127.0.0.1:$backline_port/graphql"
postgraphile_url="http://127.0.0.1:$postgraphile_port/graphql"

# --- The servers, started for each page ----------------------------------------------------
export BACKLINE_JWT_SECRET=bench-secret-bench-secret-bench-secret-xx RUST_LOG=warn
export BACKLINE_LOGIN_ATTEMPTS=1000
start_backline() {
    "$bin" --listen "127.0.0.1:$backline_port" --database-url "$db_url" --blob-url "file://$work/blobs" \
        --data-dir "$work" >>"$work/backline.log" 2>&1 &
    backline_pid=$!
    for _ in $(seq 1 600); do
        curl -fs "http://127.0.0.1:$backline_port/readyz" >/dev/null && break
        kill -0 "$backline_pid" 2>/dev/null || fail "Backline exited (see $work/backline.log above)"
        sleep 0.1
    done
    curl -fs "http://127.0.0.1:$backline_port/readyz" >/dev/null || fail "Backline is not ready after 60 s"
}
start_postgraphile() {
    NODE_ENV=production "$node" "$peer/server.mjs" "$db_url" "$postgraphile_port" >>"$work/postgraphile.log" 2>&1 &
    postgraphile_pid=$!
    for _ in $(seq 1 600); do
        curl -fs -o /dev/null -H 'content-type: application/json' -d '{"query":"{ __typename }"}' \
            "$postgraphile_url" && break
        kill -0 "$postgraphile_pid" 2>/dev/null || fail "PostGraphile exited (see $work/postgraphile.log above)"
        sleep 0.1
    done
    curl -fs -o /dev/null -H 'content-type: application/json' -d '{"query":"{ __typename }"}' \
        "$postgraphile_url" || fail "PostGraphile is not ready after 60 s"
}
# The servers go before pgbench and between the pages: they hold up to 20 PostgreSQL
# connections each.
stop_servers() {
    stop "$backline_pid"; backline_pid=""
    stop "$postgraphile_pid"; postgraphile_pid=""
}
# graphql_body <file.graphql> [variables JSON]: the request body, comments dropped, spaces folded.
graphql_body() {
    python3 -c '
import json, sys
text = "\n".join(line for line in open(sys.argv[1]) if not line.lstrip().startswith("#"))
body = {"query": " ".join(text.split())}
if len(sys.argv) > 2:
    body["variables"] = json.loads(sys.argv[2])
print(json.dumps(body))' "$@"
}

# run_wrk <duration> <script> <url>: prints "req/s p50 p99 requests errors non2xx".
run_wrk() {
    local out
    out="$(wrk -t"$threads" -c"$connections" -d"$1" --timeout 10s -s "$2" "$3")" || fail "wrk against $3"
    out="$(grep '^peer-result ' <<<"$out" | cut -d' ' -f2-)"
    [[ -n "$out" ]] || fail "wrk against $3 printed no summary"
    echo "$out"
}
# alternate <page> <backline script> <postgraphile script> <results file>: warm-up, then the
# alternating rounds, printed and written to the results file.
alternate() {
    local page="$1" backline_script="$2" postgraphile_script="$3" results="$4" round server url line
    local rps p50 p99 requests errors non2xx
    echo "# $page: warm-up, $warmup each"
    run_wrk "$warmup" "$backline_script" "$backline_url" >/dev/null
    run_wrk "$warmup" "$postgraphile_script" "$postgraphile_url" >/dev/null
    echo "# $page: load average before the rounds: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
    echo "# $page: $rounds rounds x (Backline, PostGraphile), wrk -t$threads -c$connections -d$duration"
    printf '%-6s %-14s %10s %10s %10s %9s\n' round server "req/s" "p50 ms" "p99 ms" errors
    : >"$results"
    for round in $(seq 1 "$rounds"); do
        for server in backline postgraphile; do
            if [[ $server == backline ]]; then
                line="$(run_wrk "$duration" "$backline_script" "$backline_url")"
            else
                line="$(run_wrk "$duration" "$postgraphile_script" "$postgraphile_url")"
            fi
            read -r rps p50 p99 requests errors non2xx <<<"$line"
            printf '%-6s %-14s %10s %10s %10s %9s\n' "$round" "$server" "$rps" "$p50" "$p99" "$((errors + non2xx))"
            echo "$round $server $rps $p50 $p99 $errors $non2xx" >>"$results"
        done
    done
}

# === The nested query ======================================================================
# --- Backline, seeded as in bench/run.sh ---------------------------------------------------
start_backline
echo "# seeding Backline (1 user, 1 space, 20 projects x 10 tracks)"
TOKEN="$(python3 bench/seed_nested.py "http://127.0.0.1:$backline_port")"
export TOKEN
backline_body="$(sed -n "s/^wrk.body = '\(.*\)'$/\1/p" bench/nested.lua)"
[[ -n "$backline_body" ]] || fail "could not read the query of bench/nested.lua"

# --- PostGraphile 5 on the same database ---------------------------------------------------
start_postgraphile
PEER_BODY="$(graphql_body "$peer/query.graphql")"
export PEER_BODY

# --- The same answer from all three --------------------------------------------------------
curl -fsS -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" -d "$backline_body" \
    "$backline_url" >"$work/backline.json"
curl -fsS -H 'content-type: application/json' -d "$PEER_BODY" "$postgraphile_url" >"$work/postgraphile.json"
psql -X -q -At -v ON_ERROR_STOP=1 -f "$peer/stmt.sql" "$db_url" >"$work/sql.json"
python3 "$peer/check.py" "$work/backline.json" "$work/postgraphile.json" "$work/sql.json"

# --- Alternating rounds --------------------------------------------------------------------
results="$work/results"
alternate nested "$peer/backline.lua" "$peer/postgraphile.lua" "$results"
stop_servers

# --- The physical limit: one SQL statement, inside PostgreSQL ------------------------------
# Before the track page is seeded: stmt.sql lists every space of the database.
free="$("${psql_admin[@]}" -Atc "SELECT current_setting('max_connections')::int
    - current_setting('superuser_reserved_connections')::int - count(*) - 2 FROM pg_stat_activity")"
clients="$connections"
if [[ "$free" -lt "$clients" ]]; then
    echo "# only $free PostgreSQL connections are free: pgbench runs with -c $free instead of -c $connections"
    clients="$free"
fi
pgbench_run() {
    "$pgbench" -n -M prepared -f "$peer/stmt.sql" -c "$clients" -j "$threads" -T "$1" "$db_url" 2>&1
}
pgbench_run 3 >/dev/null || fail "pgbench warm-up"
pg_out="$(pgbench_run "$duration_s")" || { echo "$pg_out" >&2; fail "pgbench"; }
tps="$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$pg_out" | head -n1)"
pg_latency="$(sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p' <<<"$pg_out" | head -n1)"
[[ -n "$tps" ]] || { echo "$pg_out" >&2; fail "could not read pgbench's tps"; }
printf '%-6s %-14s %10.2f %10s %10s %9s\n' "-" "json_agg SQL" "$tps" "avg $pg_latency" "-" 0
echo "# json_agg SQL: $pgbench -n -M prepared -f $peer/stmt.sql -c $clients -j $threads -T $duration_s (transactions/s)"

# === The track page ========================================================================
# Seeded now, after the nested query's rounds and pgbench, so that PostGraphile's allArtistSpaces
# and stmt.sql (every space of the database) still held only the nested query's space. Both
# servers start again on the same database.
track_results="$work/results_track"
: >"$track_results"
if [[ "${PEER_TRACK:-1}" != 0 ]]; then
    start_backline
    echo "# seeding Backline (a track: 3 analysed versions, 50 comments x 2 replies, each liked twice)"
    seeded="$(python3 bench/seed_track.py "http://127.0.0.1:$backline_port")" || fail "bench/seed_track.py"
    read -r TOKEN TRACK <<<"$seeded"
    [[ -n "$TOKEN" && -n "$TRACK" ]] || fail "bench/seed_track.py printed no token and track"
    export TOKEN TRACK
    me="$(curl -fsS -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \
        -d '{"query":"{ me { id } }"}' "$backline_url")" || fail "reading the editor's id"
    # Backline's ids are "<kind>_<uuid without dashes>"; PostGraphile's are the UUIDs.
    track_variables="$(python3 -c '
import json, sys, uuid
me = json.loads(sys.argv[1])["data"]["me"]["id"]
print(json.dumps({"t": str(uuid.UUID(sys.argv[2].split("_", 1)[1])), "me": str(uuid.UUID(me.split("_", 1)[1]))}))' \
        "$me" "$TRACK")" || fail "could not turn the track's and the editor's ids into UUIDs"
    backline_track_body="$(python3 -c '
import json, re, sys
lua = open("bench/track.lua").read()
body = json.loads(re.search(r"""^wrk\.body = '"'"'(\{"query":".*?"),"variables":""", lua, re.M).group(1) + "}")
body["variables"] = {"t": sys.argv[1]}
print(json.dumps(body))' "$TRACK")" || fail "could not read the query of bench/track.lua"
    start_postgraphile
    PEER_TRACK_BODY="$(graphql_body "$peer/track_query.graphql" "$track_variables")"
    export PEER_TRACK_BODY
    curl -fsS -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" -d "$backline_track_body" \
        "$backline_url" >"$work/backline_track.json"
    curl -fsS -H 'content-type: application/json' -d "$PEER_TRACK_BODY" "$postgraphile_url" >"$work/postgraphile_track.json"
    python3 "$peer/check_track.py" "$work/backline_track.json" "$work/postgraphile_track.json"
    alternate track "$peer/backline_track.lua" "$peer/postgraphile_track.lua" "$track_results"
    stop_servers
fi

# --- Summary -------------------------------------------------------------------------------
python3 - "$results" "$tps" "$track_results" <<'EOF'
import statistics
import sys


def summary(path, page, tps=None):
    rows = [line.split() for line in open(path)]
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
        share = f": {100 * rps / tps:.1f}% of json_agg's {tps:.2f} tps" if tps else ""
        print(f"# {page} {server:12} median {rps:9.2f} req/s, p50 {p50:.2f} ms, p99 {p99:.2f} ms{share}{note}")
    ratios = [by["backline"][r][0] / by["postgraphile"][r][0] for r in sorted(by["backline"])]
    print(f"# {page} paired ratios: " + " ".join(f"{r:.2f}" for r in ratios))
    return statistics.median(ratios)


nested = summary(sys.argv[1], "nested", float(sys.argv[2]))
track = summary(sys.argv[3], "track") if open(sys.argv[3]).read().strip() else None
if track is not None:
    print(f"track backline/postgraphile throughput ratio: {track:.2f}")
print(f"nested backline/postgraphile throughput ratio: {nested:.2f}")
EOF
