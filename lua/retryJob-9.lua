--[[
  Puts a failed job (from the dead-letter set) back in the queue at its priority and first-enqueue
  place, with a fresh allowance of attempts. Its entity must not have a newer active job.
  KEYS[1] failed    ZSET  jobq:{q}:failed
  KEYS[2] jobs      HASH  jobq:{q}:jobs
  KEYS[3] entities  HASH  jobq:{q}:entities
  KEYS[4] wake      CHANNEL jobq:{q}:wake  not a key: published to once the job is queued
  KEYS[5] ready        PREFIX jobq:{q}:ready:     not a key: the prefix of each handler's ready zset ready:<task> (includes/flow.lua)
  KEYS[6] heads        ZSET   jobq:{q}:heads      handlers that may be dispatched to now, score = their first ready job's
  KEYS[7] throttled    ZSET   jobq:{q}:throttled  handlers held by their rate, score = when they may start again (ms)
  KEYS[8] flow         HASH   jobq:{q}:flow       limits, holds, in-flight and scheduled counts per handler
  KEYS[9] events  STREAM jobq:{q}:events
  ARGV[1] job id or entity id  ARGV[2] now (ms)
  Returns a job reply (includes/job.lua pushJob): code 1 queued again, -6 the job is not failed,
  -5 its entity has another active job (named by the reply's id). Errors -1 no such job.
]]
--- @include "job"
--- @include "flow"

local failedKey, jobsKey, entitiesKey, wakeChannel = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local flow = newFlow(KEYS[5], KEYS[6], KEYS[7], KEYS[8])

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
makeReady(flow, key, job)
emitEvent(KEYS[9], tonumber(ARGV[2]), 'job.retried', key, job)
wakeWorkers(wakeChannel)
return pushJob({}, 1, key, job, positions(flow, key, job))
