#!/usr/bin/env python3
"""Seeds a running Backline for the benchmarks: signs up a user and builds one artist space with
20 projects x 10 tracks through the public API. Prints the access token on stdout.

Usage: seed_nested.py http://127.0.0.1:8080
"""
import json
import sys
import urllib.request
import uuid

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"


def gql(query, variables=None, token=None):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(BASE + "/graphql", data=body, headers={"content-type": "application/json"})
    if token:
        request.add_header("authorization", "Bearer " + token)
    with urllib.request.urlopen(request) as response:
        result = json.load(response)
    if result.get("errors"):
        raise SystemExit(f"GraphQL error: {result['errors']}")
    return result["data"]


name = "bench_" + uuid.uuid4().hex[:8]
token = gql(
    "mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }",
    {"i": {"email": name + "@example.com", "username": name, "password": "benchmark password"}},
)["signUp"]["accessToken"]
space = gql("mutation { createArtistSpace(input: {name: \"Bench\"}) { id } }", token=token)["createArtistSpace"]["id"]
for p in range(20):
    project = gql(
        "mutation($s: ID!, $n: String!) { createProject(input: {artistSpaceId: $s, name: $n}) { id } }",
        {"s": space, "n": f"Project {p}"},
        token,
    )["createProject"]["id"]
    for t in range(10):
        gql(
            "mutation($p: ID!, $t: String!) { createTrack(input: {projectId: $p, title: $t}) { id } }",
            {"p": project, "t": f"Track {t}"},
            token,
        )
print(token)
