-- wrk script: the nested query of issue 2 (20 projects x 10 tracks, collaborators and users).
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.body = '{"query":"{ myArtistSpaces(first: 20) { nodes { name projects(first: 20) { nodes { name tracks(first: 10) { nodes { title collaborators(first: 10) { nodes { role user { username } } } } } } } } } }"}'
