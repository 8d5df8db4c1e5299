# Sourced by bench/run.sh and bench/ab.sh: the benchmark server's environment, and a clean-up
# on every exit, failures included, that stops the server ($server_pid), drops the PostgreSQL
# database ($db) and removes the work folder ($work).
work="$(mktemp -d)"
export BACKLINE_JWT_SECRET=bench-secret-bench-secret-bench-secret-xx RUST_LOG=warn
export BACKLINE_LOGIN_ATTEMPTS=1000
server_pid=""
db=""
cleanup() {
    if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    if [[ -n "$db" ]]; then psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
