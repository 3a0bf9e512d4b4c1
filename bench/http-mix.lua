-- wrk script for bench/http.ts: requests the paths listed in the file named by env HTTP_MIX_URLS,
-- in order (HTTP_MIX_ORDER=seq: each thread takes its own stride, so every path is asked once before any repeats)
-- or at random (HTTP_MIX_ORDER=random), optionally counts X-Cache HIT/MISS answers across threads, and prints
-- one RESULT line (requests, duration, p50/p99 latency, errors) for the runner to parse.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(os.getenv("HTTP_MIX_URLS")) do
    if #line > 0 then table.insert(paths, line) end
  end
  order = os.getenv("HTTP_MIX_ORDER") or "random"
  stride = tonumber(os.getenv("HTTP_MIX_THREADS") or "1")
  index = id
  hits = 0
  misses = 0
  other = 0
  math.randomseed(12345 + id)
  wrk.headers["Accept-Encoding"] = "gzip"
end

function request()
  local path
  if order == "seq" then
    path = paths[(index % #paths) + 1]
    index = index + stride
  else
    path = paths[math.random(#paths)]
  end
  return wrk.format("GET", path)
end

-- Counting costs wrk time per response, so it is on only where the hit ratio is wanted (HTTP_MIX_COUNT=1).
if os.getenv("HTTP_MIX_COUNT") == "1" then
  function response(status, headers, body)
    local x = headers["x-cache"] or headers["X-Cache"]
    if x == "HIT" then hits = hits + 1 elseif x == "MISS" then misses = misses + 1 else other = other + 1 end
  end
end

function done(summary, latency, requests)
  local h, m, o = 0, 0, 0
  for _, t in ipairs(threads) do
    h = h + t:get("hits")
    m = m + t:get("misses")
    o = o + t:get("other")
  end
  io.write(string.format("CACHE hits=%d misses=%d other=%d\n", h, m, o))
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d errors=%d non2xx=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
