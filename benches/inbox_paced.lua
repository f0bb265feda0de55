-- wrk at a set rate: inbox.lua's distinct deliveries, each connection waiting `pace_ms` (env PACE_MS, default 10)
-- between requests, so N connections offer about N * 1000 / PACE_MS deliveries per second (less the latency).
local inbox = dofile("benches/inbox.lua")
local pace = tonumber(os.getenv("PACE_MS") or "10")

function delay()
  return pace
end
