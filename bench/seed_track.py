#!/usr/bin/env python3
"""Seeds a running Backline with the track page of issue 14 (bench/track.lua), through the public
API only, as tests/e2e/no_n_plus_one.rs's track_page does: an owner and an editor collaborator on
one track, 3 analysed versions of a 4-second 8 kHz mono 16-bit sine WAV (version 1 approved as
final), 50 top-level comments on the latest version with 2 replies each, every comment and reply
liked by both people. Prints "<editor's access token> <track id>" on stdout (for
`read TOKEN TRACK`), progress on stderr; exits non-zero on any GraphQL or HTTP error.

Usage: seed_track.py http://127.0.0.1:8080
"""
import io
import json
import math
import os
import re
import struct
import sys
import time
import urllib.error
import urllib.request
import uuid
import wave

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"
VERSIONS, COMMENTS, REPLIES = 3, 50, 2
ANALYSIS_TIMEOUT_S = 120

ADD = ("mutation($f: ID!, $c: String!, $s: Float) "
       "{ addComment(input: {fileId: $f, content: $c, timeStart: $s}) { id } }")
REPLY = "mutation($id: ID!, $c: String!) { replyToComment(input: {commentId: $id, content: $c}) { id } }"
LIKE = "mutation($id: ID!) { likeComment(commentId: $id) { id } }"
UPLOAD = "mutation($input: UploadFileInput!) { uploadFile(input: $input) { id version } }"


def progress(message):
    print(f"seed_track: {message}", file=sys.stderr, flush=True)


def fail(message):
    raise SystemExit(f"seed_track: FAIL: {message}")


def send(request, what):
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            result = json.load(response)
    except urllib.error.HTTPError as error:
        fail(f"{what}: HTTP {error.code}: {error.read().decode(errors='replace')[:2000]}")
    except (urllib.error.URLError, OSError, ValueError) as error:
        fail(f"{what}: {error}")
    if result.get("errors"):
        fail(f"{what}: GraphQL error: {json.dumps(result['errors'])}")
    if result.get("data") is None:
        fail(f"{what}: no data in {json.dumps(result)[:2000]}")
    return result["data"]


def gql(query, variables=None, token=None):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(BASE + "/graphql", data=body, headers={"content-type": "application/json"})
    if token:
        request.add_header("authorization", "Bearer " + token)
    root = re.search(r"\{\s*(\w+)", query)
    return send(request, root.group(1) if root else query)


def upload(token, track, name, content):
    """A GraphQL multipart request (the spec apollo-upload-client speaks), as the e2e tests send it."""
    boundary = "backline-bench-" + uuid.uuid4().hex
    operations = json.dumps({"query": UPLOAD, "variables": {"input": {"trackId": track, "file": None}}})
    mapping = json.dumps({"0": ["variables.input.file"]})
    parts = []
    for field, value in (("operations", operations), ("map", mapping)):
        parts.append(f'--{boundary}\r\ncontent-disposition: form-data; name="{field}"\r\n\r\n{value}\r\n'.encode())
    parts.append(f'--{boundary}\r\ncontent-disposition: form-data; name="0"; filename="{name}"\r\n\r\n'.encode())
    parts.append(content)
    parts.append(f"\r\n--{boundary}--\r\n".encode())
    request = urllib.request.Request(
        BASE + "/graphql",
        data=b"".join(parts),
        headers={
            "content-type": f"multipart/form-data; boundary={boundary}",
            "apollo-require-preflight": "true",
            "authorization": "Bearer " + token,
        },
    )
    return send(request, "uploadFile")["uploadFile"]


def sine_wav(seconds=4, rate=8000, frequency=220.0, amplitude=0.4):
    """A mono 16-bit PCM sine, like backline_audio::testing::wav(Signal::Sine {220 Hz, 0.4}, 8 kHz, 1, 4 s, 16)."""
    frames = seconds * rate
    samples = (round(amplitude * 32767 * math.sin(2 * math.pi * frequency * n / rate)) for n in range(frames))
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(struct.pack(f"<{frames}h", *samples))
    return out.getvalue()


def analysed(token, file_id):
    deadline = time.monotonic() + ANALYSIS_TIMEOUT_S
    while True:
        analysis = gql("query($id: ID!) { file(id: $id) { analysis { status error } } }", {"id": file_id}, token)
        analysis = ((analysis.get("file") or {}).get("analysis")) or {}
        status = analysis.get("status")
        if status == "READY":
            return
        if status == "FAILED":
            fail(f"analysis of {file_id} FAILED: {analysis.get('error')}")
        if time.monotonic() > deadline:
            fail(f"analysis of {file_id} is still {status} after {ANALYSIS_TIMEOUT_S} s")
        time.sleep(0.1)


def sign_up(name):
    data = gql(
        "mutation($i: SignUpInput!) { signUp(input: $i) { accessToken user { id } } }",
        {"i": {"email": name + "@example.com", "username": name, "password": "benchmark password"}},
    )["signUp"]
    return data["accessToken"], data["user"]["id"]


suffix = uuid.uuid4().hex[:8]
owner, _ = sign_up("page_" + suffix)
editor, editor_id = sign_up("pagee_" + suffix)
space = gql("mutation { createArtistSpace(input: {name: \"Page\"}) { id } }", token=owner)["createArtistSpace"]["id"]
project = gql(
    "mutation($s: ID!) { createProject(input: {artistSpaceId: $s, name: \"P\"}) { id } }", {"s": space}, owner
)["createProject"]["id"]
track = gql(
    "mutation($p: ID!) { createTrack(input: {projectId: $p, title: \"T\"}) { id } }", {"p": project}, owner
)["createTrack"]["id"]
gql(
    "mutation($r: ID!, $u: ID!) { addCollaborator(input: {resourceId: $r, userId: $u, role: EDITOR}) { role } }",
    {"r": track, "u": editor_id},
    owner,
)

audio = sine_wav()
latest = None
for n in range(VERSIONS):
    file = upload(owner, track, "v.wav", audio)
    latest = file["id"]
    progress(f"version {file['version']} uploaded ({len(audio)} bytes), waiting for its analysis")
    analysed(owner, latest)
    if n == 0:
        gql("mutation($id: ID!) { approveFileVersion(fileId: $id) { id } }", {"id": latest}, owner)

people = (owner, editor)
for n in range(COMMENTS):
    author = owner if n % 2 == 0 else editor
    comment = gql(ADD, {"f": latest, "c": f"note {n}", "s": 1.0}, author)["addComment"]["id"]
    liked = [comment]
    for r in range(REPLIES):
        by = editor if r % 2 == 0 else owner
        liked.append(gql(REPLY, {"id": comment, "c": f"re {r}"}, by)["replyToComment"]["id"])
    for comment_id in liked:
        for person in people:
            gql(LIKE, {"id": comment_id}, person)
    if (n + 1) % 10 == 0:
        progress(f"{n + 1}/{COMMENTS} comments with {REPLIES} replies each, all liked twice")

# The page bench/track.lua posts, read as the editor: it must answer what was seeded.
lua = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "track.lua")).read()
page_query = json.loads(re.search(r"""^wrk\.body = '(\{"query":".*?"),"variables":""", lua, re.M).group(1) + "}")
page = gql(page_query["query"], {"t": track}, editor)["track"]
comments = page["comments"]["nodes"]
replies = [reply for comment in comments for reply in comment["responses"]["nodes"]]
problems = [
    what
    for what, ok in (
        (f"latestFile.version {page['latestFile']['version']} != {VERSIONS}", page["latestFile"]["version"] == VERSIONS),
        ("latestFile.analysis.status is not READY", page["latestFile"]["analysis"]["status"] == "READY"),
        ("finalFile.version is not 1", (page["finalFile"] or {}).get("version") == 1),
        ("latestFile.waveform.data is not a list", isinstance((page["latestFile"]["waveform"] or {}).get("data"), list)),
        (f"comments.totalCount {page['comments']['totalCount']} != {COMMENTS}", page["comments"]["totalCount"] == COMMENTS),
        (f"{len(comments)} comments listed, not {COMMENTS}", len(comments) == COMMENTS),
        (f"{len(replies)} replies listed, not {COMMENTS * REPLIES}", len(replies) == COMMENTS * REPLIES),
        ("not every comment and reply has 2 likes, one the editor's",
         all(c["likeCount"] == 2 and c["likedByMe"] for c in comments + replies)),
    )
    if not ok
]
if problems:
    fail("the track page does not answer what was seeded: " + "; ".join(problems))
progress(f"track page checked: {len(comments)} comments, {len(replies)} replies, "
         f"{sum(c['likeCount'] for c in comments + replies)} likes")
print(f"{editor} {track}")
