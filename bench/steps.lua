-- wrk script for bench/steps.mjs --driver wrk: every request answers step 0
-- of one of the cases steps.mjs made beforehand (their ids, one per line, in
-- the file named by STEPS_IDS), taking them in turn. Each answer is one
-- durable write transaction, so wrk's requests/s is the daemon's commits/s
-- with a client in C that costs the daemon's cores little. Answering step 0
-- again is allowed while the case is open, so the cases never run out.
local ids = {}
for line in io.lines(os.getenv("STEPS_IDS")) do
  ids[#ids + 1] = line
end
local i = 0
local body = '{"checklist":{"s0-0":true}}'
local headers = { ["Content-Type"] = "application/json" }

request = function()
  i = i % #ids + 1
  return wrk.format("POST", "/api/v1/cases/" .. ids[i] .. "/steps/0", headers, body)
end

-- p50 and p99 in ms, and the answers that were not 200 (wrk counts them)
done = function(summary, latency)
  io.write(string.format("steps: p50 %.3f p99 %.3f non2xx %d sockerr %d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
