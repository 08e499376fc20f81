--[[
  Cancels a queued or scheduled job: it leaves the queue and its entity is free again. A job that has
  already finished is deleted outright, so DELETE of a finished job forgets it.
  KEYS[1] scheduled  ZSET  jobq:{q}:scheduled
  KEYS[2] completed  ZSET  jobq:{q}:completed
  KEYS[3] failed     ZSET  jobq:{q}:failed
  KEYS[4] cancelled  ZSET  jobq:{q}:cancelled   score = finished_at (ms)
  KEYS[5] jobs       HASH  jobq:{q}:jobs
  KEYS[6] entities   HASH  jobq:{q}:entities
  KEYS[7] ready        PREFIX jobq:{q}:ready:     not a key: the prefix of each handler's ready zset ready:<task> (includes/flow.lua)
  KEYS[8] heads        ZSET   jobq:{q}:heads      handlers that may be dispatched to now, score = their first ready job's
  KEYS[9] throttled   ZSET   jobq:{q}:throttled  handlers held by their rate, score = when they may start again (ms)
  KEYS[10] flow        HASH   jobq:{q}:flow       limits, holds, in-flight and scheduled counts per handler
  KEYS[11] events  STREAM jobq:{q}:events
  ARGV[1] job id or entity id  ARGV[2] now (ms)  ARGV[3] cancelled retention (ms)
  Returns a job reply (includes/job.lua pushJob) with code 1 cancelled or 2 deleted.
  Errors -1 no such job, -3 processing (a job in flight cannot be recalled).
]]
--- @include "job"
--- @include "flow"

local scheduledKey, completedKey, failedKey, cancelledKey, jobsKey, entitiesKey =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local now = tonumber(ARGV[2])
local flow = newFlow(KEYS[7], KEYS[8], KEYS[9], KEYS[10])

local key, job = resolveJob(jobsKey, entitiesKey, ARGV[1])
if not key then return -1 end
local status = job[STATUS]
if status == 'processing' then return pushJob({}, -3, key, job, false, false) end

if status == 'queued' or status == 'scheduled' then
  if status == 'queued' then
    unready(flow, key, job)
  else
    rcall('ZREM', scheduledKey, key)
    countScheduled(flow, job[TASK], -1)
  end
  job[STATUS] = 'cancelled'
  job[FINISHED_AT] = now
  job[NEXT_ATTEMPT_AT] = false
  saveJob(jobsKey, key, job)
  rcall('ZADD', cancelledKey, now, key)
  emitEvent(KEYS[11], now, 'job.cancelled', key, job)
  trimFinished(cancelledKey, jobsKey, entitiesKey, now - tonumber(ARGV[3]), 10)
  return pushJob({}, 1, key, job, false, false)
end

rcall('ZREM', completedKey, key)
rcall('ZREM', failedKey, key)
rcall('ZREM', cancelledKey, key)
rcall('HDEL', jobsKey, key)
if rcall('HGET', entitiesKey, job[ENTITY]) == key then rcall('HDEL', entitiesKey, job[ENTITY]) end
return pushJob({}, 2, key, job, false, false)
