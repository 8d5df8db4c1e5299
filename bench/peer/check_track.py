#!/usr/bin/env python3
"""Checks that Backline (bench/track.lua) and PostGraphile (track_query.graphql) gave the same
track page: the same title; latest version (number, owner, analysis status, duration); final
version (number and id); the same comments in the same order (content, position, author, like
count, liked by the reader) with the same replies; so the same number of comments, replies and
likes. The waveform is only checked to be there: Backline serves the peaks (BBC audiowaveform
JSON at 1,024 samples per pixel, rescaled from the stored blob), PostGraphile the key of the
stored blob (see README.md). Prints the counts; exits non-zero, loudly, when they differ.

Usage: check_track.py backline.json postgraphile.json
"""
import json
import sys

from answers import load


def backline_page(data):
    track = data["track"]
    latest = track["latestFile"] or {}
    waveform = latest.get("waveform") or {}

    def comment(c):
        return (c["content"], c.get("timeStart"), (c["owner"] or {}).get("username"), c["likeCount"], c["likedByMe"])

    return {
        "title": track["title"],
        "latest version": latest.get("version"),
        "latest owner": (latest.get("owner") or {}).get("username"),
        "analysis": (latest.get("analysis") or {}).get("status"),
        "waveform": isinstance(waveform.get("data"), list) and len(waveform["data"]) > 0,
        "duration": (latest.get("metadata") or {}).get("durationSeconds"),
        "final version": (track["finalFile"] or {}).get("version"),
        "final id": ((track["finalFile"] or {}).get("id") or "_").split("_", 1)[1],
        "total comments": track["comments"]["totalCount"],
        "comments": [
            (comment(c), [comment(r) for r in c["responses"]["nodes"]])
            for c in track["comments"]["nodes"]
        ],
    }


def postgraphile_page(data):
    track = data["trackByRowId"]
    latest = (track["latestFile"]["nodes"] or [{}])[0]
    final = (track["finalFile"]["nodes"] or [{}])[0]

    def comment(c):
        return (
            c["content"],
            c.get("timeStart"),
            (c["userByOwnerId"] or {}).get("username"),
            c["likes"]["totalCount"],
            c["mine"]["totalCount"] > 0,
        )

    return {
        "title": track["title"],
        "latest version": latest.get("version"),
        "latest owner": (latest.get("userByOwnerId") or {}).get("username"),
        "analysis": latest.get("analysisStatus"),
        "waveform": bool(latest.get("waveformKey")),
        "duration": json.loads(latest.get("metadata") or "{}").get("duration_seconds"),
        "final version": final.get("version"),
        "final id": (final.get("rowId") or "").replace("-", ""),
        "total comments": track["comments"]["totalCount"],
        "comments": [
            (comment(c), [comment(r) for r in c["replies"]["nodes"]])
            for c in track["comments"]["nodes"]
        ],
    }


def counts(page):
    comments = page["comments"]
    replies = [r for _, rs in comments for r in rs]
    likes = sum(c[3] for c, _ in comments) + sum(r[3] for r in replies)
    return {"comments": len(comments), "replies": len(replies), "likes": likes}


backline_path, postgraphile_path = sys.argv[1:3]
pages = {
    "backline": backline_page(load(backline_path)),
    "postgraphile": postgraphile_page(load(postgraphile_path)),
}
for name, page in pages.items():
    summary = " ".join(f"{k}={v}" for k, v in counts(page).items())
    print(f"track answer {name:12} {summary} latest=v{page['latest version']} final=v{page['final version']} "
          f"analysis={page['analysis']} waveform={'yes' if page['waveform'] else 'NO'}")
reference = pages["backline"]
if counts(reference)["comments"] == 0 or counts(reference)["replies"] == 0 or counts(reference)["likes"] == 0:
    raise SystemExit("FAIL: Backline's track page holds no comments, replies or likes; the seed did not work")
if not reference["waveform"]:
    raise SystemExit("FAIL: Backline's track page has no waveform")
for name, page in pages.items():
    if counts(page) != counts(reference):
        raise SystemExit(f"FAIL: {name}'s track page holds {counts(page)}, Backline's {counts(reference)}")
    for key in reference:
        if page[key] != reference[key]:
            ours, theirs = page[key], reference[key]
            if isinstance(ours, list) and len(ours) == len(theirs):
                at = next(i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b)
                key, ours, theirs = f"{key}[{at}]", ours[at], theirs[at]
            raise SystemExit(f"FAIL: {name}'s track page differs from Backline's in {key}: "
                             f"{json.dumps(ours)[:500]} != {json.dumps(theirs)[:500]}")
print("track answers agree")
