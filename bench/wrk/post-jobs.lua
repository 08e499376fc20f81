--[[
  wrk script of figure 1: POST bodies in turn, each with a new entity id, so that every request
  enqueues a job (the same entity twice would answer 200 "exists" and cost the queue less).
  Arguments (after --): a run tag, then the body templates, in which [<id>] becomes the entity's
  unique part: <run tag>-<thread>-<request>. The tag keeps the warm-up's entities apart from the run's.
  done() writes one JSON line: requests, seconds, latency percentiles (µs), failures, and wrk's own
  CPU time in clock ticks (from /proc/self/stat), since it exits before the harness could read it.
]]

local threads = {}
local counter = 0

function setup (thread)
  thread:set('thread_id', #threads + 1)
  table.insert(threads, thread)
end

local tag, bodies

function init (args)
  tag = args[1]
  bodies = {}
  for i = 2, #args do bodies[#bodies + 1] = args[i] end
  wrk.method = 'POST'
  wrk.headers['content-type'] = 'application/json'
end

function request ()
  counter = counter + 1
  local template = bodies[(counter - 1) % #bodies + 1]
  -- A plain find and substring splice: gsub would read [<id>] as a pattern.
  local at = string.find(template, '[<id>]', 1, true)
  local body = string.sub(template, 1, at - 1) .. tag .. '-' .. thread_id .. '-' .. counter .. string.sub(template, at + 6)
  return wrk.format(nil, nil, nil, body)
end

-- utime + stime of this process (fields 14 and 15 of /proc/self/stat, counted after the command name).
local function cpuTicks ()
  local f = io.open('/proc/self/stat', 'r')
  if not f then return -1 end
  local stat = f:read('*a')
  f:close()
  local fields = {}
  for field in string.gmatch(string.match(stat, '%) (.*)'), '%S+') do fields[#fields + 1] = field end
  return tonumber(fields[12]) + tonumber(fields[13])
end

function done (summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"seconds":%.6f,"p50_us":%d,"p99_us":%d,"non2xx":%d,"errors":%d,"cpu_ticks":%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout, cpuTicks()))
end
