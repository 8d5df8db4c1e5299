-- wrk script: POST { me { id username } } with the token in $TOKEN.
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.body = '{"query":"{ me { id username } }"}'
