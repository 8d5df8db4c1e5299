-- wrk script: Backline's track page, exactly as bench/track.lua sends it (run from the repository
-- root, TOKEN and TRACK set), plus the summary line of report.lua.
dofile("bench/track.lua")
dofile("bench/peer/report.lua")
