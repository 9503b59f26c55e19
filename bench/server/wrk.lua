-- wrk script for the bench servers. BENCH_POST=1: POST a ~16 KiB events batch (the incidents service's event
-- shape, as bench/incidents/loadgen.py sends it) to the path given on wrk's command line; otherwise plain GETs.
-- BENCH_TOKEN: sent as a bearer token (the real service's ingest). done() prints one "RESULT {json}" line with
-- requests/s, latency percentiles (microseconds) and error counts, for run.sh to collect.
local post = os.getenv("BENCH_POST") == "1"
local token = os.getenv("BENCH_TOKEN")
batch_events = 0

local function batch(target_bytes)
  local parts = {}
  local size = 2
  local i = 0
  while true do
    local f = i % 50
    local event = string.format(
      '{"source":"bench","rule":"rule-%d","severity":"%s","subject":"wrk:host-%d:/usr/bin/app",' ..
      '"title":"bench detection %d","time":"2026-11-27T18:00:00.000000Z","labels":{"host":"host-%d",' ..
      '"run":"wrk"},"details":{"seq":%d,"pid":%d}}',
      f % 7, ({"low", "medium", "high"})[f % 3 + 1], f, f, f, i, 1000 + i % 300)
    if size + #event + 1 > target_bytes then break end
    parts[#parts + 1] = event
    size = size + #event + 1
    i = i + 1
  end
  batch_events = #parts
  return "[" .. table.concat(parts, ",") .. "]"
end

if post then
  wrk.method = "POST"
  wrk.body = batch(16 * 1024)
  wrk.headers["Content-Type"] = "application/json"
end
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"body_bytes":%d,"batch_events":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,' ..
    '"timeouts":%d,"non_2xx":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    post and #wrk.body or 0, post and batch_events or 0, e.connect, e.read, e.write, e.timeout, e.status))
end
