--[[
  Changes the priority of a queued or scheduled job, up or down. The job keeps its first-enqueue
  sequence, so in its new band it stands where it would have stood had it been enqueued there.
  KEYS[1] queued    ZSET  jobq:{q}:queued
  KEYS[2] jobs      HASH  jobq:{q}:jobs
  KEYS[3] entities  HASH  jobq:{q}:entities
  ARGV[1] job id or entity id  ARGV[2] priority (1..3)  ARGV[3] now (ms)
  Returns a job reply (includes/job.lua pushJob) with code 1, positions included.
  Errors -1 no such job; code -3 in the reply when the job is not waiting (processing or finished).
]]
--- @include "job"

local queuedKey, jobsKey, entitiesKey = KEYS[1], KEYS[2], KEYS[3]
local priority = tonumber(ARGV[2])

local key, job = resolveJob(jobsKey, entitiesKey, ARGV[1])
if not key then return -1 end
if job[STATUS] ~= 'queued' and job[STATUS] ~= 'scheduled' then
  return pushJob({}, -3, key, job, false, false)
end
if job[PRIORITY] ~= priority then
  job[PRIORITY] = priority
  job[PRIORITY_UPDATED_AT] = tonumber(ARGV[3])
  saveJob(jobsKey, key, job)
  if job[STATUS] == 'queued' then rcall('ZADD', queuedKey, queueScore(job), key) end
end
return pushJob({}, 1, key, job, positions(queuedKey, key, job))
