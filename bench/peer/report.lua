-- Shared by backline.lua and postgraphile.lua: one machine-readable line at the end of a wrk
-- run, "peer-result <req/s> <p50 ms> <p99 ms> <requests> <errors> <non-2xx>".
function done(summary, latency, requests)
    local seconds = summary.duration / 1e6
    local e = summary.errors
    io.write(string.format("peer-result %.2f %.3f %.3f %d %d %d\n",
        summary.requests / seconds,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        summary.requests, e.connect + e.read + e.write + e.timeout, e.status))
end
