-- The site's request mix. Its only argument is a requests file written by run.py, one request
-- per line, tab-separated: kind, weight, method, path, content type, body. A body containing
-- @UNIQUE@ gets a fresh value per request (so every API create stores a new snippet).
dofile("report.lua")

local lines = {}       -- {kind, cumulative weight, prepared request or nil, method, path, headers, body}
local total_weight = 0
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    local kind, weight, method, path, ctype, body =
      line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = {}
    if ctype ~= "" then headers["Content-Type"] = ctype end
    if body == "" then body = nil end
    total_weight = total_weight + tonumber(weight)
    local entry = {kind = kind, upto = total_weight, method = method, path = path, headers = headers, body = body}
    if not (body and body:find("@UNIQUE@", 1, true)) then
      entry.prepared = wrk.format(method, path, headers, body)
    end
    table.insert(lines, entry)
  end
  math.randomseed(os.time() * 100 + thread_id)
end

local function pick()
  local target = math.random() * total_weight
  local low, high = 1, #lines
  while low < high do
    local middle = math.floor((low + high) / 2)
    if lines[middle].upto < target then low = middle + 1 else high = middle end
  end
  return lines[low]
end

function request()
  local entry = pick()
  issued[entry.kind] = (issued[entry.kind] or 0) + 1
  if entry.prepared then return entry.prepared end
  counter = counter + 1
  local body = entry.body:gsub("@UNIQUE@", thread_id .. "-" .. counter)
  return wrk.format(entry.method, entry.path, entry.headers, body)
end
