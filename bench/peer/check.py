#!/usr/bin/env python3
"""Checks that Backline, PostGraphile and the single SQL statement gave the same answer to the
nested query: the same tree of spaces > projects > tracks > collaborators (names, titles, roles,
usernames, in order). Prints the counts; exits non-zero, loudly, when they differ.

Usage: check.py backline.json postgraphile.json sql.json
"""
import sys

from answers import load


def backline_tree(data):
    # Also the shape of stmt.sql's answer.
    return [
        (s["name"], [
            (p["name"], [
                (t["title"], [(c["role"], c["user"]["username"]) for c in t["collaborators"]["nodes"]])
                for t in p["tracks"]["nodes"]
            ])
            for p in s["projects"]["nodes"]
        ])
        for s in data["myArtistSpaces"]["nodes"]
    ]


def postgraphile_tree(data):
    return [
        (s["name"], [
            (p["name"], [
                (t["title"], [(c["role"], c["userByUserId"]["username"]) for c in t["collaboratorsByResourceId"]["nodes"]])
                for t in p["tracksByProjectId"]["nodes"]
            ])
            for p in s["projectsByArtistSpaceId"]["nodes"]
        ])
        for s in data["allArtistSpaces"]["nodes"]
    ]


def counts(tree):
    projects = [p for _, ps in tree for p in ps]
    tracks = [t for _, ts in projects for t in ts]
    collaborators = [c for _, cs in tracks for c in cs]
    return {"spaces": len(tree), "projects": len(projects), "tracks": len(tracks), "collaborators": len(collaborators)}


backline_path, postgraphile_path, sql_path = sys.argv[1:4]
trees = {
    "backline": backline_tree(load(backline_path)),
    "postgraphile": postgraphile_tree(load(postgraphile_path)),
    "json_agg": backline_tree(load(sql_path)),
}
for name, tree in trees.items():
    print(f"answer {name:12} " + " ".join(f"{k}={v}" for k, v in counts(tree).items()))
reference = counts(trees["backline"])
if reference["tracks"] == 0 or reference["collaborators"] == 0:
    raise SystemExit("FAIL: Backline's answer holds no tracks or no collaborators; the seed did not work")
for name, tree in trees.items():
    if counts(tree) != reference:
        raise SystemExit(f"FAIL: {name} answers {counts(tree)}, Backline {reference}")
    if tree != trees["backline"]:
        raise SystemExit(f"FAIL: {name} holds the same counts as Backline but not the same tree")
print("answers agree")
