-- wrk script: the track page of issue 14, exactly TRACK_PAGE of tests/e2e/no_n_plus_one.rs (the
-- latest and the final version with analysis and a waveform at 1,024 samples per pixel, 50
-- comments with their replies, likes and authors), for the track in $TRACK (bench/seed_track.py)
-- with the editor's token in $TOKEN.
local token = os.getenv("TOKEN") or error("TOKEN is not set")
local track = os.getenv("TRACK") or error("TRACK is not set")
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["authorization"] = "Bearer " .. token
wrk.body = '{"query":"query($t: ID!) { track(id: $t) { title latestFile { version owner { username } analysis { status } metadata { durationSeconds } waveform(samplesPerPixel: 1024) } finalFile { id version } comments(first: 50) { totalCount nodes { content timeStart owner { username } likeCount likedByMe responses(first: 10) { nodes { content owner { username } likeCount likedByMe } } } } } }","variables":{"t":"' .. track .. '"}}'
