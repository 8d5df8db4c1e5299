#!/usr/bin/env bash
# Peak resident memory of the server while large files stream in (docs/performance.md).
# Usage: bash bench/upload_memory.sh   (needs curl and python3; builds the release binary)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p backline_server
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import struct, sys
for name, size in [("100m", 100 << 20), ("1g", 1 << 30)]:
    data = size - 44
    header = b"RIFF" + struct.pack("<I", 36 + data) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 2, 44100, 176400, 4, 16) + b"data" + struct.pack("<I", data)
    with open(f"{sys.argv[1]}/{name}.wav", "wb") as f:
        f.write(header)
        chunk = bytes(range(256)) * 4096
        while data > 0:
            f.write(chunk[: min(data, len(chunk))])
            data -= len(chunk)
PY
export DATABASE_URL="sqlite://$work/db.sqlite?mode=rwc" BACKLINE_BLOB_URL="file://$work/blobs" BACKLINE_DATA_DIR="$work" \
  BACKLINE_LISTEN=127.0.0.1:18089 BACKLINE_ANALYSIS_WORKERS=0 TMPDIR="$work" RUST_LOG=warn
./target/release/backline & server=$!
for _ in $(seq 50); do curl -sf http://127.0.0.1:18089/healthz >/dev/null && break; sleep 0.2; done
gql() { curl -sf http://127.0.0.1:18089/graphql -H 'content-type: application/json' ${TOKEN:+-H "authorization: Bearer $TOKEN"} -d "$1"; }
TOKEN=$(gql '{"query":"mutation { signUp(input: {email: \"m@example.com\", username: \"mem\", password: \"correct horse battery\"}) { accessToken } }"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["signUp"]["accessToken"])')
id() { python3 -c "import json,sys; print(json.load(sys.stdin)['data']['$1']['id'])"; }
SPACE=$(gql '{"query":"mutation { createArtistSpace(input: {name: \"Mem\"}) { id } }"}' | id createArtistSpace)
PROJECT=$(gql "{\"query\":\"mutation { createProject(input: {artistSpaceId: \\\"$SPACE\\\", name: \\\"P\\\"}) { id } }\"}" | id createProject)
TRACK=$(gql "{\"query\":\"mutation { createTrack(input: {projectId: \\\"$PROJECT\\\", title: \\\"T\\\"}) { id } }\"}" | id createTrack)
hwm() { awk '/VmHWM/ {h=$2} /VmRSS/ {r=$2} END {print h " KiB peak, " r " KiB now"}' /proc/$server/status; }
echo "idle: $(hwm)"
for name in 100m 1g 1g 1g; do
  start=$(date +%s.%N)
  curl -sf http://127.0.0.1:18089/graphql -H "authorization: Bearer $TOKEN" -H 'apollo-require-preflight: 1' \
    -F operations="{\"query\":\"mutation(\$input: UploadFileInput!) { uploadFile(input: \$input) { version size } }\",\"variables\":{\"input\":{\"trackId\":\"$TRACK\",\"file\":null}}}" \
    -F map='{"0":["variables.input.file"]}' -F "0=@$work/$name.wav" >/dev/null
  end=$(date +%s.%N)
  echo "after $name upload: $(hwm); $(python3 -c "print(round($end - $start, 2))") s"
done
