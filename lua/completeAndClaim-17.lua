--[[
  A worker's round trip: records the jobs it completed, does the housekeeping, then claims up to
  `count` ready jobs (lowest priority number first, FIFO within one) for the slots it has free.
  Each completion counts only while the caller still holds that job's lease, checked job by job, so
  a late answer from a worker that lost its lease cannot overwrite a newer attempt. A completed
  record keeps the token of the attempt that completed it, so a call repeated after its answer was
  lost (or a job named twice) is told 2, recorded already, and changes nothing more.
  Housekeeping puts back jobs whose lease lapsed (their worker died or hung) and promotes retries
  that are due, so whichever process calls this first recovers them. It runs when the call claims
  or has nothing to complete: with count = 0, completions alone change only their own jobs.
  KEYS[1] processing  ZSET  jobq:{q}:processing  score = lease deadline (ms)
  KEYS[2] scheduled   ZSET  jobq:{q}:scheduled   score = retry due time (ms)
  KEYS[3] failed      ZSET  jobq:{q}:failed      score = finished_at (ms)
  KEYS[4] jobs        HASH  jobq:{q}:jobs        key -> record; the sets hold keys (includes/job.lua)
  KEYS[5] wake        CHANNEL jobq:{q}:wake  not a key: published to when lapsed or due jobs are queued again
  KEYS[6] handlers    HASH  jobq:{q}:handlers
  KEYS[7] stats       HASH  jobq:{q}:stats       (also the `leases` counter that makes lease tokens unique)
  KEYS[8] completed   ZSET  jobq:{q}:completed   score = finished_at (ms)
  KEYS[9] entities   HASH  jobq:{q}:entities
  KEYS[10] paused     STRING jobq:{q}:paused    present while the queue is paused: nothing is claimed
  KEYS[11] ready       PREFIX jobq:{q}:ready:     not a key: the prefix of each handler's ready zset ready:<task> (includes/flow.lua)
  KEYS[12] heads       ZSET   jobq:{q}:heads      handlers that may be dispatched to now, score = their first ready job's
  KEYS[13] throttled   ZSET   jobq:{q}:throttled  handlers held by their rate, score = when they may start again (ms)
  KEYS[14] flow        HASH   jobq:{q}:flow       limits, holds, in-flight and scheduled counts per handler
  KEYS[15] events     STREAM jobq:{q}:events
  KEYS[16] idle       ZSET   jobq:{q}:idle       workers waiting on their pickup list, score = when that lapses (ms)
  KEYS[17] pickup     PREFIX jobq:{q}:pickup:    not a key: the prefix of each worker's pickup list (includes/pickup.lua)
  ARGV[1] now (ms)  ARGV[2] count  ARGV[3] lease (ms)  ARGV[4] worker id  ARGV[5] completed retention (ms)
  ARGV[6] idle registration (ms): with count > 0, a caller that claims fewer than count jobs waits on
          its pickup list for that long at most (0: it does not)
  ARGV[7..] completions: job id, lease token, result JSON or '', job id, lease token, result, ...
  Returns { next wake-up (ms) or false, recovered lease count (both false and 0 when housekeeping
  did not run), 1 when the caller is registered idle else 0, one code per completion in order
  (1 done, 2 recorded already by this lease, -1 no such job, -2 lease lost), job reply... } where
  each job reply is as in includes/job.lua pushJob with code 1; the lease token is the record's
  LEASE field. A claim takes the jobs pushed to the caller's pickup list first.
]]
--- @include "job"
--- @include "flow"
--- @include "pickup"

local processingKey, scheduledKey, failedKey, jobsKey, wakeChannel, handlersKey, statsKey, completedKey, entitiesKey, pausedKey =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10]
local flow = newFlow(KEYS[11], KEYS[12], KEYS[13], KEYS[14])
local eventsKey = KEYS[15]
local now, count, leaseMs, workerId = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local idleMs = tonumber(ARGV[6])
local pick = newPickup(KEYS[16], KEYS[17], processingKey, statsKey, pausedKey, jobsKey, eventsKey)
local HOUSEKEEPING_LIMIT = 100

local codes = {}
local done, doneJobs, doneResults = {}, {}, {}
for i = 7, #ARGV, 3 do
  local token, result = ARGV[i + 1], ARGV[i + 2]
  local key, job = findJob(jobsKey, ARGV[i])
  if not job then
    codes[#codes + 1] = -1
  elseif job[LEASE] == token and (job[STATUS] == 'completed' or doneJobs[key]) then
    codes[#codes + 1] = 2
  elseif job[STATUS] ~= 'processing' or not holdsLease(job, token) then
    codes[#codes + 1] = -2
  else
    done[#done + 1], doneJobs[key], doneResults[key] = key, job, result
    codes[#codes + 1] = 1
  end
end
-- The first write must be one that frees memory: a script whose first write would grow memory is
-- refused while Redis is over maxmemory, and a worker must still be able to record what it finished.
callMany('ZREM', processingKey, done)
local finished = newFinished()
local doneAt = {}
-- Slots a completion freed that let a handler held at its concurrency limit go: news to idle workers.
local freed = false
for _, key in ipairs(done) do
  doneAt[#doneAt + 1], doneAt[#doneAt + 2] = now, key
  local job = doneJobs[key]
  job[STATUS] = 'completed'
  job[FINISHED_AT] = now
  job[HELD_UNTIL] = false
  job[LEASE] = plainLease(job[LEASE])
  if doneResults[key] ~= '' then job[RESULT] = doneResults[key] end
  saveJob(jobsKey, key, job)
  addFinished(finished, 'completed', now - job[STARTED_AT])
  if freeSlot(flow, job[TASK]) then freed = true end
  emitEvent(eventsKey, now, 'job.completed', key, job)
end
callMany('ZADD', completedKey, doneAt)
flushFinished(statsKey, finished)
-- As many old completed jobs go as a call per completion would trim, so history keeps up.
if #codes > 0 then
  trimFinished(completedKey, jobsKey, entitiesKey, now - tonumber(ARGV[5]), 10 * #codes)
end

local reply = {false, 0, 0}
for i = 1, #codes do reply[#reply + 1] = codes[i] end
-- A paused queue keeps its jobs in place (and its housekeeping going); resuming it wakes the workers.
local paused = rcall('EXISTS', pausedKey) == 1
if count == 0 and #codes > 0 then
  if freed and not paused then wakeWorkers(wakeChannel) end
  return reply
end

-- Lapsed leases: the attempt counts, so a job that kills its worker every time still ends.
local lapsed = rcall('ZRANGEBYSCORE', processingKey, '-inf', now, 'LIMIT', 0, HOUSEKEEPING_LIMIT)
local attemptsCache = {}
finished = newFinished()
for _, key in ipairs(lapsed) do
  rcall('ZREM', processingKey, key)
  local job = loadJob(jobsKey, key)
  if job and not job[HELD_UNTIL] and isPickup(job[LEASE]) then
    -- Pushed to an idle worker that never confirmed it: it never reached its handler.
    returnPickup(pick, flow, now, key, job)
  elseif job then
    -- A job an async handler took (202) lapsed because the handler stopped reporting; one a worker
    -- held, because the worker died or hung. The message names the worker, never the lease token.
    local handed = job[HELD_UNTIL]
    local policy = retryPolicy(handlersKey, job[TASK], attemptsCache)
    if handed then
      job[LAST_ERROR] = 'no heartbeat within lease'
    else
      local worker = job[LEASE] and string.match(job[LEASE], '^(.*):[^:]*:[^:]*$') or 'unknown'
      job[LAST_ERROR] = 'lease expired: worker ' .. worker .. ' did not answer in time'
    end
    job[LEASE] = false
    job[HELD_UNTIL] = false
    freeSlot(flow, job[TASK])
    if job[ATTEMPTS] >= policy.max_attempts then
      job[STATUS] = 'failed'
      job[FINISHED_AT] = now
      rcall('ZADD', failedKey, now, key)
      addFinished(finished, 'failed', now - (job[STARTED_AT] or now))
      emitEvent(eventsKey, now, 'job.failed', key, job, { error = job[LAST_ERROR] })
    elseif handed then
      -- The handler's own retry policy, as for an attempt it failed.
      local retryAt = now + retryDelay(policy, job[ATTEMPTS])
      job[STATUS] = 'scheduled'
      job[NEXT_ATTEMPT_AT] = retryAt
      rcall('ZADD', scheduledKey, retryAt, key)
      countScheduled(flow, job[TASK], 1)
      emitEvent(eventsKey, now, 'job.retry_scheduled', key, job, { error = job[LAST_ERROR], next_attempt_at = retryAt })
    else
      job[STATUS] = 'queued'
      job[STARTED_AT] = false
      makeReady(flow, key, job)
      emitEvent(eventsKey, now, 'job.retry_scheduled', key, job, { error = job[LAST_ERROR], next_attempt_at = now })
    end
    saveJob(jobsKey, key, job)
  end
end

flushFinished(statsKey, finished)

local due = rcall('ZRANGEBYSCORE', scheduledKey, '-inf', now, 'LIMIT', 0, HOUSEKEEPING_LIMIT)
for _, key in ipairs(due) do
  rcall('ZREM', scheduledKey, key)
  local job = loadJob(jobsKey, key)
  if job then
    job[STATUS] = 'queued'
    job[NEXT_ATTEMPT_AT] = false
    saveJob(jobsKey, key, job)
    countScheduled(flow, job[TASK], -1)
    makeReady(flow, key, job)
    emitEvent(eventsKey, now, 'job.due', key, job)
  end
end
local unthrottled = releaseThrottled(flow, now)

reply[2] = #lapsed
local claimedCount = 0
if count > 0 then
  -- A caller that claims is no longer waiting on its list; jobs pushed there before it stopped
  -- waiting are its own already (paused or not).
  rcall('ZREM', pick.idle, workerId)
  local keys, jobs = takePickups(pick, workerId, leaseMs, now)
  for i = 1, #keys do pushJob(reply, 1, keys[i], jobs[i], false, false) end
  claimedCount = #keys
end
if count > claimedCount and not paused then
  local popped = claimReady(flow, count - claimedCount, now)
  claimedCount = claimedCount + #popped
  -- One counter step per call: the tokens of this batch are the last #popped values it passed.
  local lastLease = #popped > 0 and rcall('HINCRBY', statsKey, 'leases', #popped) or 0
  -- Every popped job is in `processing` before any record changes: should a record fail to load
  -- or save, the jobs before it are still where lapse recovery finds them.
  local leased = {}
  for i = 1, #popped do leased[#leased + 1], leased[#leased + 2] = now + leaseMs, popped[i] end
  callMany('ZADD', processingKey, leased)
  for i = 1, #popped do
    local key = popped[i]
    local job = loadJob(jobsKey, key)
    if job then
      startAttempt(job, now, workerId, lastLease - (#popped - i))
      saveJob(jobsKey, key, job)
      emitEvent(eventsKey, now, 'job.started', key, job)
      pushJob(reply, 1, key, job, false, false)
    end
  end
end

if count > 0 and idleMs > 0 and claimedCount < count then
  rcall('ZADD', pick.idle, now + idleMs, workerId)
  reply[3] = 1
end

-- Jobs this housekeeping put back are news to idle workers of the queue (this caller may claim
-- none of them: a housekeeping call, or one that claims for fewer slots), unless it is paused.
if (#lapsed + #due + unthrottled > 0 or freed) and not paused then wakeWorkers(wakeChannel) end
-- Tell the caller when to look again: now if jobs may be dispatched, else at the next retry, lease
-- deadline or rate limit's next start, so no worker ever polls an idle or held-back queue.
if not paused and rcall('ZCARD', flow.heads) > 0 then
  reply[1] = now
else
  local nextAt = false
  for _, setKey in ipairs({ scheduledKey, processingKey, flow.throttled }) do
    local first = tonumber(rcall('ZRANGE', setKey, 0, 0, 'WITHSCORES')[2])
    if first and (not nextAt or first < nextAt) then nextAt = first end
  end
  reply[1] = nextAt
end
return reply
