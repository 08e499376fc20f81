--[[
  Pauses or resumes a schedule. Paused, it fires nothing and leaves the `ticks` zset, so no worker
  waits for it; resumed, it fires from its next tick after now (the ticks it passed while paused
  are not caught up). Repeating either changes nothing.
  KEYS[1] schedules HASH    jobq:{q}:schedules  name -> schedule JSON
  KEYS[2] ticks     ZSET    jobq:{q}:ticks      name -> next tick (ms), schedules not paused only
  KEYS[3] wake      CHANNEL jobq:{q}:wake       not a key: published to with 'schedules' on resume
  ARGV[1] name  ARGV[2] '1' to pause, '0' to resume  ARGV[3] now (ms)
  ARGV[4] next tick (ms) after now, '' when the expression never matches again
  ARGV[5] '1' when the caller waits for replicas (JOBQ_WAIT_REPLICAS), else '' or absent
  Returns the schedule JSON, or false when there is no such schedule.
]]
local rcall = redis.call
local schedulesKey, ticksKey, name = KEYS[1], KEYS[2], ARGV[1]
local raw = rcall('HGET', schedulesKey, name)
if not raw then return false end
local schedule = cjson.decode(raw)
local pause = ARGV[2] == '1'
if schedule.paused == pause then
  -- Already so, perhaps through another connection and not on a replica yet: the caller's WAIT
  -- counts its own connection's writes only, so rewriting the same record makes it cover that one.
  if ARGV[5] == '1' then rcall('HSET', schedulesKey, name, raw) end
  return raw
end

schedule.paused = pause
schedule.revision = schedule.revision + 1
schedule.updated_at = tonumber(ARGV[3])
local nextTick = tonumber(ARGV[4])
if pause or not nextTick then
  schedule.next_run_at = cjson.null
  rcall('ZREM', ticksKey, name)
else
  schedule.next_run_at = nextTick
  rcall('ZADD', ticksKey, nextTick, name)
  rcall('PUBLISH', KEYS[3], 'schedules')
end
raw = cjson.encode(schedule)
rcall('HSET', schedulesKey, name, raw)
return raw
