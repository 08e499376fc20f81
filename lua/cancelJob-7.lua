--[[
  Cancels a queued or scheduled job: it leaves the queue and its entity is free again. A job that has
  already finished is deleted outright, so DELETE of a finished job forgets it.
  KEYS[1] queued     ZSET  jobq:{q}:queued
  KEYS[2] scheduled  ZSET  jobq:{q}:scheduled
  KEYS[3] completed  ZSET  jobq:{q}:completed
  KEYS[4] failed     ZSET  jobq:{q}:failed
  KEYS[5] cancelled  ZSET  jobq:{q}:cancelled   score = finished_at (ms)
  KEYS[6] jobs       HASH  jobq:{q}:jobs
  KEYS[7] entities   HASH  jobq:{q}:entities
  ARGV[1] job id or entity id  ARGV[2] now (ms)  ARGV[3] cancelled retention (ms)
  Returns a job reply (includes/job.lua pushJob) with code 1 cancelled or 2 deleted.
  Errors -1 no such job, -3 processing (a job in flight cannot be recalled).
]]
--- @include "job"

local queuedKey, scheduledKey, completedKey, failedKey, cancelledKey, jobsKey, entitiesKey =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local now = tonumber(ARGV[2])

local key, job = resolveJob(jobsKey, entitiesKey, ARGV[1])
if not key then return -1 end
local status = job[STATUS]
if status == 'processing' then return pushJob({}, -3, key, job, false, false) end

if status == 'queued' or status == 'scheduled' then
  rcall('ZREM', queuedKey, key)
  rcall('ZREM', scheduledKey, key)
  job[STATUS] = 'cancelled'
  job[FINISHED_AT] = now
  job[NEXT_ATTEMPT_AT] = false
  saveJob(jobsKey, key, job)
  rcall('ZADD', cancelledKey, now, key)
  trimFinished(cancelledKey, jobsKey, entitiesKey, now - tonumber(ARGV[3]), 10)
  return pushJob({}, 1, key, job, false, false)
end

rcall('ZREM', completedKey, key)
rcall('ZREM', failedKey, key)
rcall('ZREM', cancelledKey, key)
rcall('HDEL', jobsKey, key)
if rcall('HGET', entitiesKey, job[ENTITY]) == key then rcall('HDEL', entitiesKey, job[ENTITY]) end
return pushJob({}, 2, key, job, false, false)
