-- wrk script: every request POSTs a distinct ballot to /api/v1/ballots.
-- The bodies come one JSON per line from the file named by the environment variable
-- PINGYI_WRK_BODIES; wrk's threads take every Nth line (N = thread count), so no card is
-- cast twice. Used by benchmarks/hostile.py (closed loop) when wrk is installed.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  local path = os.getenv("PINGYI_WRK_BODIES")
  bodies = {}
  local i = 0
  for line in io.lines(path) do
    if i % tonumber(os.getenv("PINGYI_WRK_THREADS") or "1") == id then
      table.insert(bodies, line)
    end
    i = i + 1
  end
  next_body = 1
  statuses = {}
end

function request()
  local body = bodies[next_body]
  if body == nil then
    body = bodies[#bodies]  -- out of cards: repeats the last (answered 409)
  end
  next_body = next_body + 1
  return wrk.format("POST", "/api/v1/ballots",
    {["Content-Type"] = "application/json", ["Accept"] = "application/json"}, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  io.write(string.format("wrk: requests %d, errors connect %d read %d write %d timeout %d status %d\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status))
  for _, p in pairs({50, 90, 99, 99.9}) do
    io.write(string.format("wrk: p%g %.1f ms\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("wrk: max %.1f ms\n", latency.max / 1000))
end
