--[[
  Ends an attempt that did not succeed, for a job whose lease the caller still holds: either
  schedules a retry (the job keeps its entity and its place) or moves it to the dead-letter set.
  KEYS[1] processing  ZSET  jobq:{q}:processing
  KEYS[2] scheduled   ZSET  jobq:{q}:scheduled   score = retry due time (ms)
  KEYS[3] failed      ZSET  jobq:{q}:failed      score = finished_at (ms)
  KEYS[4] jobs        HASH  jobq:{q}:jobs        key -> record; the sets hold keys (includes/job.lua)
  KEYS[5] entities    HASH  jobq:{q}:entities
  KEYS[6] stats       HASH  jobq:{q}:stats
  KEYS[7] wake        CHANNEL jobq:{q}:wake  not a key: published to when the job is queued or scheduled
  KEYS[8] ready        PREFIX jobq:{q}:ready:     not a key: the prefix of each handler's ready zset ready:<task> (includes/flow.lua)
  KEYS[9] heads       ZSET   jobq:{q}:heads      handlers that may be dispatched to now, score = their first ready job's
  KEYS[10] throttled   ZSET   jobq:{q}:throttled  handlers held by their rate, score = when they may start again (ms)
  KEYS[11] flow        HASH   jobq:{q}:flow       limits, holds, in-flight and scheduled counts per handler
  KEYS[12] events     STREAM jobq:{q}:events
  ARGV[1] job id  ARGV[2] lease token  ARGV[3] now (ms)  ARGV[4] error message
  ARGV[5] retry at (ms), or -1 to fail for good  ARGV[6] failed retention (ms)
  ARGV[7] -1 to count the attempt, 0 to give it back (graceful shutdown: the attempt never ran)
  Returns 1 scheduled, 2 failed, 3 put back in the queue. Errors -1 no such job, -2 lease lost.
]]
--- @include "job"
--- @include "flow"

local processingKey, scheduledKey, failedKey, jobsKey, entitiesKey, statsKey, wakeChannel =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local token, now, message = ARGV[2], tonumber(ARGV[3]), ARGV[4]
local retryAt = tonumber(ARGV[5])
local flow = newFlow(KEYS[8], KEYS[9], KEYS[10], KEYS[11])
local eventsKey = KEYS[12]

local key, job = findJob(jobsKey, ARGV[1])
if not job then return -1 end
if job[STATUS] ~= 'processing' or not holdsLease(job, token) then return -2 end

rcall('ZREM', processingKey, key)
job[LEASE] = false
-- A handler held at its concurrency limit may start another job now: news to idle workers.
local freed = freeSlot(flow, job[TASK])
if ARGV[7] == '0' then
  -- Released unrun: back at its old place, the attempt not counted, its last error untouched.
  job[ATTEMPTS] = job[ATTEMPTS] - 1
  job[STATUS] = 'queued'
  job[STARTED_AT] = false
  saveJob(jobsKey, key, job)
  makeReady(flow, key, job)
  emitEvent(eventsKey, now, 'job.released', key, job)
  wakeWorkers(wakeChannel)
  return 3
end
if freed then wakeWorkers(wakeChannel) end

job[LAST_ERROR] = message
if retryAt >= 0 then
  job[STATUS] = 'scheduled'
  job[NEXT_ATTEMPT_AT] = retryAt
  saveJob(jobsKey, key, job)
  -- Idle workers wait for the earliest due time they know of: only a sooner one is news.
  local firstDue = tonumber(rcall('ZRANGE', scheduledKey, 0, 0, 'WITHSCORES')[2])
  rcall('ZADD', scheduledKey, retryAt, key)
  countScheduled(flow, job[TASK], 1)
  emitEvent(eventsKey, now, 'job.retry_scheduled', key, job, { error = message, next_attempt_at = retryAt })
  if not freed and (not firstDue or retryAt < firstDue) then wakeWorkers(wakeChannel) end
  return 1
end

job[STATUS] = 'failed'
job[FINISHED_AT] = now
saveJob(jobsKey, key, job)
rcall('ZADD', failedKey, now, key)
emitEvent(eventsKey, now, 'job.failed', key, job, { error = message })
recordFinished(statsKey, 'failed', now - job[STARTED_AT])
trimFinished(failedKey, jobsKey, entitiesKey, now - tonumber(ARGV[6]), 10)
return 2
