-- wrk script: Backline's nested query, exactly as bench/nested.lua sends it (run from the
-- repository root), plus the summary line of report.lua.
dofile("bench/nested.lua")
dofile("bench/peer/report.lua")
