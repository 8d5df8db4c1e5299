# Backline tasks. `just --list` shows them.

# Start the server (SQLite + local blobs, migrations applied, GraphiQL at /graphql).
run:
    cargo run --release

# The whole test suite on SQLite.
test:
    cargo test --workspace

# The whole test suite on the local PostgreSQL (throwaway database per test).
test-pg:
    TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres cargo test --workspace

# Format the code.
fmt:
    cargo fmt --all

# The lint gate CI runs.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# Regenerate schema.graphql from the code.
schema:
    cargo run -q -p backline_server -- export-schema > schema.graphql

# Load-test `me` and the nested query on SQLite and PostgreSQL (needs wrk; see docs/performance.md).
bench:
    bash bench/run.sh

# Everything CI runs.
ci:
    bash .ci/run

# Analysis speed against ffmpeg, and server memory during 1 GiB uploads (needs ffmpeg, curl).
bench-media:
    bash bench/analysis.sh
    bash bench/upload_memory.sh

# Remove orphan blobs older than an hour, then re-hash every stored file.
maintain:
    cargo run --release -- gc
    cargo run --release -- verify

# Live delivery to 1,000 / 5,000 / 10,000 subscribers and memory per subscriber (see docs/performance.md).
bench-live:
    bash bench/live.sh
