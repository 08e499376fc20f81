--[[
  Completes a job whose lease the caller still holds, frees its entity, and trims old completed jobs.
  KEYS[1] processing  ZSET  jobq:{q}:processing
  KEYS[2] completed   ZSET  jobq:{q}:completed   score = finished_at (ms)
  KEYS[3] jobs        HASH  jobq:{q}:jobs
  KEYS[4] entities    HASH  jobq:{q}:entities
  KEYS[5] stats       HASH  jobq:{q}:stats
  ARGV[1] job id  ARGV[2] lease token  ARGV[3] now (ms)  ARGV[4] result JSON or ''
  ARGV[5] completed retention (ms)
  Returns 1 done. Errors -1 no such job, -2 lease lost (the job was taken back; this answer is stale).
  Repeating a call that already succeeded returns -2 and changes nothing.
]]
--- @include "job"

local processingKey, completedKey, jobsKey, entitiesKey, statsKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local id, token, now = ARGV[1], ARGV[2], tonumber(ARGV[3])

local job = loadJob(jobsKey, id)
if not job then return -1 end
if job[STATUS] ~= 'processing' or job[LEASE] ~= token then return -2 end

rcall('ZREM', processingKey, id)
job[STATUS] = 'completed'
job[FINISHED_AT] = now
job[LEASE] = false
if ARGV[4] ~= '' then job[RESULT] = ARGV[4] end
saveJob(jobsKey, id, job)
rcall('ZADD', completedKey, now, id)
recordFinished(statsKey, 'completed', now - job[STARTED_AT])
trimFinished(completedKey, jobsKey, entitiesKey, now - tonumber(ARGV[5]), 10)
return 1
