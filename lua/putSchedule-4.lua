--[[
  Creates or replaces a recurring schedule. A replaced schedule keeps its creation time and what it
  last fired; its revision goes up, so a worker that planned a tick from the old definition cannot
  fire it (lua/fireSchedule-14.lua). Idle workers are told, so they wait for the new first tick.
  KEYS[1] schedules HASH    jobq:{q}:schedules  name -> schedule JSON
  KEYS[2] ticks     ZSET    jobq:{q}:ticks      name -> next tick (ms), schedules not paused only
  KEYS[3] wake      CHANNEL jobq:{q}:wake       not a key: published to with 'schedules'
  KEYS[4] handlers  HASH    jobq:{q}:handlers   name -> handler JSON
  ARGV[1] name  ARGV[2] definition JSON {cron, timezone, catch_up, paused, job}  ARGV[3] now (ms)
  ARGV[4] next tick (ms) after now, '' when the expression never matches again
  Returns { 1 created or 2 replaced, schedule JSON }.
  Errors  -4 no handler is registered for the job's task
]]
local rcall = redis.call
local schedulesKey, ticksKey, name, now = KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[3])
local definition = cjson.decode(ARGV[2])
if rcall('HEXISTS', KEYS[4], definition.job.task) == 0 then return { -4 } end

local raw = rcall('HGET', schedulesKey, name)
local schedule, code
if raw then
  schedule, code = cjson.decode(raw), 2
else
  schedule, code = { name = name, created_at = now, revision = 0, last_run_at = cjson.null,
    last_job_id = cjson.null, last_outcome = cjson.null }, 1
end
for k, v in pairs(definition) do schedule[k] = v end
schedule.revision = schedule.revision + 1
schedule.updated_at = now
local nextTick = tonumber(ARGV[4])
if schedule.paused or not nextTick then
  schedule.next_run_at = cjson.null
  rcall('ZREM', ticksKey, name)
else
  schedule.next_run_at = nextTick
  rcall('ZADD', ticksKey, nextTick, name)
end
raw = cjson.encode(schedule)
rcall('HSET', schedulesKey, name, raw)
rcall('PUBLISH', KEYS[3], 'schedules')
return { code, raw }
