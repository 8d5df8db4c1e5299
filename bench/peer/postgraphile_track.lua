-- wrk script: the track page in PostGraphile 5's schema, the body run.sh writes from
-- track_query.graphql (with its variables) into the environment variable PEER_TRACK_BODY, plus
-- the summary line of report.lua.
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.body = os.getenv("PEER_TRACK_BODY") or error("PEER_TRACK_BODY is not set")
dofile("bench/peer/report.lua")
