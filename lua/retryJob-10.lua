--[[
  Puts a failed job (from the dead-letter set) back in the queue at its priority and first-enqueue
  place, with a fresh allowance of attempts. Its entity must not have a newer active job.
  KEYS[1] queued    ZSET  jobq:{q}:queued
  KEYS[2] failed    ZSET  jobq:{q}:failed
  KEYS[3] jobs      HASH  jobq:{q}:jobs
  KEYS[4] entities  HASH  jobq:{q}:entities
  KEYS[5] wake      CHANNEL jobq:{q}:wake  not a key: published to once the job is queued
  KEYS[6] ready        PREFIX jobq:{q}:ready:     not a key: the prefix of each handler's ready zset ready:<task> (includes/flow.lua)
  KEYS[7] heads        ZSET   jobq:{q}:heads      handlers that may be dispatched to now, score = their first ready job's
  KEYS[8] throttled    ZSET   jobq:{q}:throttled  handlers held by their rate, score = when they may start again (ms)
  KEYS[9] flow         HASH   jobq:{q}:flow       limits, holds, in-flight and scheduled counts per handler
  KEYS[10] events  STREAM jobq:{q}:events
  ARGV[1] job id or entity id  ARGV[2] now (ms)
  Returns a job reply (includes/job.lua pushJob): code 1 queued again, -6 the job is not failed,
  -5 its entity has another active job (named by the reply's id). Errors -1 no such job.
]]
--- @include "job"
--- @include "flow"

local queuedKey, failedKey, jobsKey, entitiesKey, wakeChannel = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]

local key, job = resolveJob(jobsKey, entitiesKey, ARGV[1])
if not key then return -1 end
if job[STATUS] ~= 'failed' then return pushJob({}, -6, key, job, false, false) end

local current = rcall('HGET', entitiesKey, job[ENTITY])
if current and current ~= key then
  local other = loadJob(jobsKey, current)
  if other and isActive(other) then return pushJob({}, -5, current, other, false, false) end
end

rcall('ZREM', failedKey, key)
job[STATUS] = 'queued'
job[ATTEMPTS] = 0
job[STARTED_AT] = false
job[FINISHED_AT] = false
job[NEXT_ATTEMPT_AT] = false
saveJob(jobsKey, key, job)
rcall('HSET', entitiesKey, job[ENTITY], key)
makeReady(newFlow(KEYS[6], KEYS[7], KEYS[8], KEYS[9]), queuedKey, key, job)
emitEvent(KEYS[10], tonumber(ARGV[2]), 'job.retried', key, job)
wakeWorkers(wakeChannel)
return pushJob({}, 1, key, job, positions(queuedKey, key, job))
