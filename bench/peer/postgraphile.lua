-- wrk script: the nested query in PostGraphile 5's schema, the body run.sh writes from
-- query.graphql into the environment variable PEER_BODY, plus the summary line of report.lua.
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.body = os.getenv("PEER_BODY")
dofile("bench/peer/report.lua")
