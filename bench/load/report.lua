-- Shared by the load scripts: counts responses per status in every wrk thread and, when wrk
-- is done, prints one line "WRK_REPORT <json>" with throughput, latency and those counts.
-- Load with dofile("report.lua") (wrk runs in bench/load).

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

statuses = {}  -- per thread: status code -> responses
issued = {}    -- per thread: request kind -> requests sent (filled by scripts that have kinds)

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

local function add_into(total, part)
  for key, n in pairs(part or {}) do
    total[key] = (total[key] or 0) + n
  end
end

local function object(map)
  local items = {}
  for key, value in pairs(map) do
    table.insert(items, string.format('"%s": %s', tostring(key), tostring(value)))
  end
  table.sort(items)
  return "{" .. table.concat(items, ", ") .. "}"
end

function done(summary, latency, requests)
  local all_statuses, all_issued = {}, {}
  for _, thread in ipairs(threads) do
    add_into(all_statuses, thread:get("statuses"))
    add_into(all_issued, thread:get("issued"))
  end
  local e = summary.errors
  io.write("WRK_REPORT ", object({
    duration_us = summary.duration,
    requests = summary.requests,
    bytes = summary.bytes,
    p50_us = latency:percentile(50),
    p90_us = latency:percentile(90),
    p99_us = latency:percentile(99),
    max_us = latency.max,
    mean_us = string.format("%.1f", latency.mean),
    statuses = object(all_statuses),
    issued = object(all_issued),
    socket_errors = object({connect = e.connect, read = e.read, write = e.write, timeout = e.timeout}),
  }), "\n")
end
