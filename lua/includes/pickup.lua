--[[
  Direct delivery to idle workers (issue 17). Inlined after "job" and "flow" where a script says
  `--- @include "pickup"`.

  A worker that serves one queue and claims fewer jobs than it has slots for registers in the
  queue's `idle` zset (scored by when the registration lapses) and blocks on a list of its own,
  `pickup:<worker>`. A script that makes jobs ready (an enqueue, a schedule's tick) takes an idle
  worker out of `idle`, claims for it what its claim would (claimReady: pause, limits, priority
  order) and pushes the job to its list: the worker's blocking pop is its claim, with no wake
  message and claim round trip after it. One job per registration: a worker registers again with
  its next claim.

  A job pushed so is in `processing` under a pickup lease: PICKUP in front of the token its claim
  would have had, PICKUP_LEASE_MS long. The worker confirms it as it starts the callback (extendLeases
  gives the job the plain token and a whole lease); every lease check takes either form from the
  worker that holds the plain one. A pickup lease that lapses (the worker died before popping the
  job, or before confirming it) puts the job back at its place without counting the attempt and
  drops its list entry: the job never reached its handler, or (killed between pop and confirm,
  a millisecond) barely did.
  An entry is `<key> <job_id> <record JSON>` (src/queue/job.ts decodePickup); an empty entry is a
  worker waking itself up (src/queue/job-queue.ts wakePickup).
]]

local PICKUP_LEASE_MS = 5000

-- The keys of direct delivery, with those the scripts that deliver share with claims.
local function newPickup(idleKey, listPrefix, processingKey, statsKey, pausedKey, jobsKey, eventsKey)
  return { idle = idleKey, prefix = listPrefix, processing = processingKey, stats = statsKey,
    paused = pausedKey, jobs = jobsKey, events = eventsKey }
end

local function pickupEntry(key, job)
  local reply = pushJob({}, 1, key, job, false, false, false)
  return key .. ' ' .. reply[2] .. ' ' .. reply[3]
end

-- Claims the next ready job for each idle worker (most recently registered first) while there are
-- both, and pushes it to that worker's list. Returns how many were delivered.
local function deliverReady(pick, flow, now)
  if rcall('ZCARD', pick.idle) == 0 or rcall('EXISTS', pick.paused) == 1 then return 0 end
  -- A registration that lapsed is a worker that stopped waiting without saying so (killed).
  rcall('ZREMRANGEBYSCORE', pick.idle, '-inf', '(' .. now)
  local delivered = 0
  while true do
    local worker = rcall('ZRANGE', pick.idle, -1, -1)[1]
    if not worker then break end
    local key = claimReady(flow, 1, now)[1]
    if not key then break end
    rcall('ZREM', pick.idle, worker)
    local counter = rcall('HINCRBY', pick.stats, 'leases', 1)
    rcall('ZADD', pick.processing, now + PICKUP_LEASE_MS, key)
    local job = loadJob(pick.jobs, key)
    if job then
      local token = startAttempt(job, now, worker, counter)
      job[LEASE] = pickupToken(token)
      saveJob(pick.jobs, key, job)
      emitEvent(pick.events, now, 'job.started', key, job)
      -- The worker holds the plain token; the record says it has not confirmed yet.
      job[LEASE] = token
      local listKey = pick.prefix .. worker
      rcall('RPUSH', listKey, pickupEntry(key, job))
      -- The list goes once every lease it could hold has lapsed: nothing in it is lost then (see returnPickup).
      rcall('PEXPIRE', listKey, 2 * PICKUP_LEASE_MS)
      delivered = delivered + 1
    end
  end
  return delivered
end

-- After an enqueue's steps: delivers what became ready to idle workers, and wakes the others only
-- when something is left for them (a ready job no idle worker took, or a sooner due time).
local function deliverAndWake(ctx, pick, wakeChannel)
  local delivered = 0
  if ctx.readied then delivered = deliverReady(pick, ctx.flow, ctx.now) end
  if ctx.wake and (ctx.sooner or delivered == 0 or rcall('ZCARD', ctx.flow.heads) > 0) then
    wakeWorkers(wakeChannel)
  end
end

-- A claim by `worker` takes the jobs pushed to its list that it has not popped (it stopped waiting
-- before they came): confirmed as extendLeases would, with a whole lease. Returns their keys and
-- records. A marker stays: the worker's pop may be waiting beside this claim, and the marker is
-- what ends that wait.
local function takePickups(pick, worker, leaseMs, now)
  local listKey = pick.prefix .. worker
  local entries = rcall('LRANGE', listKey, 0, -1)
  local keys, jobs = {}, {}
  for _, entry in ipairs(entries) do
    local key = string.match(entry, '^(%S+) ')
    if key then rcall('LREM', listKey, 1, entry) end
    local job = key and loadJob(pick.jobs, key)
    if job and job[STATUS] == 'processing' and pickupWorker(job[LEASE]) == worker then
      job[LEASE] = plainLease(job[LEASE])
      rcall('ZADD', pick.processing, now + leaseMs, key)
      saveJob(pick.jobs, key, job)
      keys[#keys + 1], jobs[#jobs + 1] = key, job
    end
  end
  return keys, jobs
end

-- A job whose pickup lease lapsed (or whose worker left before popping it) goes back to its place,
-- the attempt not counted, out of its worker's list.
local function returnPickup(pick, flow, now, key, job)
  local worker = pickupWorker(job[LEASE])
  if worker then
    local listKey = pick.prefix .. worker
    for _, entry in ipairs(rcall('LRANGE', listKey, 0, -1)) do
      if string.sub(entry, 1, #key + 1) == key .. ' ' then rcall('LREM', listKey, 1, entry) end
    end
  end
  rcall('ZREM', pick.processing, key)
  job[ATTEMPTS] = job[ATTEMPTS] - 1
  job[STATUS] = 'queued'
  job[STARTED_AT] = false
  job[LEASE] = false
  saveJob(pick.jobs, key, job)
  freeSlot(flow, job[TASK])
  makeReady(flow, key, job)
  emitEvent(pick.events, now, 'job.released', key, job)
end
