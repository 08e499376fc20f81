--[[
  What happens to an attempt under way, told by whoever holds it (issue 14): the worker hands an
  attempt to its async handler (202), or the handler, bearing the attempt's callback token, extends
  its lease, reports progress, completes it or fails it. The caller has checked the token's MAC; this
  checks that it names the attempt under way (its claim counter is the lease's).
  Safe to repeat: completing or failing again with the same token after it took effect changes
  nothing and answers 2 with the job as it is.
  KEYS[1] processing  ZSET    jobq:{q}:processing  score = lease deadline (ms)
  KEYS[2] scheduled   ZSET    jobq:{q}:scheduled
  KEYS[3] failed      ZSET    jobq:{q}:failed
  KEYS[4] completed   ZSET    jobq:{q}:completed
  KEYS[5] jobs        HASH    jobq:{q}:jobs
  KEYS[6] entities    HASH    jobq:{q}:entities
  KEYS[7] stats       HASH    jobq:{q}:stats
  KEYS[8] wake        CHANNEL jobq:{q}:wake     not a key: published to when a completion frees a held handler's slot
  KEYS[9] handlers    HASH    jobq:{q}:handlers
  KEYS[10] ready      PREFIX  jobq:{q}:ready:   not a key: the prefix of each handler's ready zset ready:<task> (includes/flow.lua)
  KEYS[11] heads      ZSET    jobq:{q}:heads
  KEYS[12] throttled  ZSET    jobq:{q}:throttled
  KEYS[13] flow       HASH    jobq:{q}:flow
  KEYS[14] events     STREAM  jobq:{q}:events
  ARGV[1] handoff | heartbeat | progress | complete | fail
  ARGV[2] job id  ARGV[3] the claim counter the token names  ARGV[4] now (ms)
  ARGV[5] lease (ms) from now; '' for the handler's async_lease_ms
  ARGV[6] progress JSON {percent, message} | result JSON ('' for none) | error message; else ''
  ARGV[7] fail: '1' to retry by the handler's policy, '0' to fail for good
  ARGV[8] completed retention (ms)  ARGV[9] failed retention (ms)
  Returns a job reply (includes/job.lua pushJob) with code 1 done or 2 done already by this token;
  -1 no such job; -8 the token is not the attempt under way (an older attempt's, or it ended).
]]
--- @include "job"
--- @include "flow"

local processingKey, scheduledKey, failedKey, completedKey, jobsKey, entitiesKey, statsKey, wakeChannel, handlersKey =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]
local flow = newFlow(KEYS[10], KEYS[11], KEYS[12], KEYS[13])
local eventsKey = KEYS[14]
local op, counter, now = ARGV[1], ARGV[3], tonumber(ARGV[4])

local key, job = findJob(jobsKey, ARGV[2])
if not key then return -1 end
local ours = leaseCounter(job[LEASE]) == counter
if not ours or job[STATUS] ~= 'processing' then
  -- The same token's complete (or fail) took effect already: the job keeps that token's lease.
  local repeated = ours and ((op == 'complete' and job[STATUS] == 'completed') or
    (op == 'fail' and job[STATUS] ~= 'completed'))
  return pushJob({}, repeated and 2 or -8, key, job, false, false)
end

local policy = retryPolicy(handlersKey, job[TASK], {})
-- The handler heard of the attempt: a pickup lease (includes/job.lua) was the worker's all along.
job[LEASE] = plainLease(job[LEASE])

local function extend()
  local leaseMs = tonumber(ARGV[5]) or policy.async_lease_ms
  local deadline = now + leaseMs
  rcall('ZADD', processingKey, deadline, key)
  -- Only a job its handler holds shows when its lease lapses; a worker's own lease is its business.
  if op == 'handoff' or job[HELD_UNTIL] then job[HELD_UNTIL] = deadline end
end

if op == 'handoff' or op == 'heartbeat' then
  extend()
  saveJob(jobsKey, key, job)
  return pushJob({}, 1, key, job, false, false)
end

if op == 'progress' then
  extend()
  local progress = cjson.decode(ARGV[6])
  progress.at = now
  job[PROGRESS] = cjson.encode(progress)
  saveJob(jobsKey, key, job)
  emitEvent(eventsKey, now, 'job.progress', key, job, { percent = progress.percent, message = progress.message })
  return pushJob({}, 1, key, job, false, false)
end

-- complete or fail: the attempt ends; the job keeps this token's lease so a repeat is known.
rcall('ZREM', processingKey, key)
job[HELD_UNTIL] = false
local freed = freeSlot(flow, job[TASK])
if op == 'complete' then
  job[STATUS] = 'completed'
  job[FINISHED_AT] = now
  if ARGV[6] ~= '' then job[RESULT] = ARGV[6] end
  rcall('ZADD', completedKey, now, key)
  recordFinished(statsKey, 'completed', now - job[STARTED_AT])
  emitEvent(eventsKey, now, 'job.completed', key, job)
  trimFinished(completedKey, jobsKey, entitiesKey, now - tonumber(ARGV[8]), 10)
else
  job[LAST_ERROR] = ARGV[6]
  if ARGV[7] == '1' and job[ATTEMPTS] < policy.max_attempts then
    local retryAt = now + retryDelay(policy, job[ATTEMPTS])
    job[STATUS] = 'scheduled'
    job[NEXT_ATTEMPT_AT] = retryAt
    local firstDue = tonumber(rcall('ZRANGE', scheduledKey, 0, 0, 'WITHSCORES')[2])
    rcall('ZADD', scheduledKey, retryAt, key)
    countScheduled(flow, job[TASK], 1)
    emitEvent(eventsKey, now, 'job.retry_scheduled', key, job, { error = ARGV[6], next_attempt_at = retryAt })
    if not firstDue or retryAt < firstDue then freed = true end
  else
    job[STATUS] = 'failed'
    job[FINISHED_AT] = now
    rcall('ZADD', failedKey, now, key)
    recordFinished(statsKey, 'failed', now - job[STARTED_AT])
    emitEvent(eventsKey, now, 'job.failed', key, job, { error = ARGV[6] })
    trimFinished(failedKey, jobsKey, entitiesKey, now - tonumber(ARGV[9]), 10)
  end
end
saveJob(jobsKey, key, job)
if freed then wakeWorkers(wakeChannel) end
return pushJob({}, 1, key, job, false, false)
