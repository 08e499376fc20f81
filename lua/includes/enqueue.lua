--[[
  Enqueueing one job, shared by every script that creates jobs (a batch from the API, a schedule's
  tick). Inlined after "job" and "flow" where a script says `--- @include "enqueue"`.
  A job with a due time after now is scheduled (as a retry is) until it is due; an entity whose job
  is scheduled becomes due at the earlier of its due time and the new request's.
]]

-- One enqueue step's view of the queue: its keys, the time, and what earlier items of the same
-- script learned (handlers known, records changed, whether idle workers need waking, and why: a
-- job became ready (`readied`) or a due time came sooner (`sooner`).
local function newEnqueue(keys, flow, now)
  local ctx = {
    jobs = keys.jobs, entities = keys.entities, seq = keys.seq,
    handlers = keys.handlers, scheduled = keys.scheduled, events = keys.events,
    flow = flow, now = now, known = {}, records = {}, bands = {}, created = 0, wake = false, wrote = false,
    readied = false, sooner = false
  }
  -- Idle workers wait for a dispatchable job or the earliest due time they know of: only a job
  -- that makes a handler dispatchable when none was, or a due time sooner than any, wakes them.
  ctx.idle = rcall('ZCARD', flow.heads) == 0
  ctx.firstDue = tonumber(rcall('ZRANGE', keys.scheduled, 0, 0, 'WITHSCORES')[2])
  return ctx
end

-- The step's count of queued jobs per band, kept once read (positionsOf).
local function countBand(ctx, priority, delta)
  if ctx.bands[priority] then ctx.bands[priority] = ctx.bands[priority] + delta end
end

local function queueJob(ctx, key, job)
  makeReady(ctx.flow, key, job)
  countBand(ctx, job[PRIORITY], 1)
  ctx.readied = true
  if ctx.idle and not isHeld(ctx.flow, job[TASK]) then ctx.wake = true end
end

--[[
  The positions to answer an enqueue with. A job created queued has the highest seq of the queue,
  so it is the last of its band: its positions are counts of the bands up to its own, each read once
  per script (a command per handler) and kept by this step, not counted over every handler's set per job.
]]
local function positionsOf(ctx, code, key, job)
  if code ~= 1 or job[STATUS] ~= 'queued' then return positions(ctx.flow, key, job) end
  local bands, ahead = ctx.bands, 0
  for p = 1, job[PRIORITY] do
    bands[p] = bands[p] or bandCount(ctx.flow, p)
    if p < job[PRIORITY] then ahead = ahead + bands[p] end
  end
  local inBand = bands[job[PRIORITY]]
  return ahead + inBand, inBand
end

local function scheduleAt(ctx, key, due)
  rcall('ZADD', ctx.scheduled, due, key)
  if not ctx.firstDue or due < ctx.firstDue then ctx.wake, ctx.sooner, ctx.firstDue = true, true, due end
end

-- Makes a delayed job due at `due` (now or earlier: queued at its place), keeping an earlier due
-- time. A retry keeps its backoff: a handler that asked for time (429, Retry-After) gets it.
local function dueBy(ctx, key, job, due)
  if job[STATUS] ~= 'scheduled' or job[ATTEMPTS] > 0 or due >= job[NEXT_ATTEMPT_AT] then return false end
  if due <= ctx.now then
    rcall('ZREM', ctx.scheduled, key)
    countScheduled(ctx.flow, job[TASK], -1)
    job[STATUS] = 'queued'
    job[NEXT_ATTEMPT_AT] = false
    queueJob(ctx, key, job)
    emitEvent(ctx.events, ctx.now, 'job.due', key, job)
  else
    job[NEXT_ATTEMPT_AT] = due
    scheduleAt(ctx, key, due)
  end
  return true
end

--[[
  Enqueues one job, its entity at most once. Returns the reply code (1 created, 2 priority_raised,
  3 exists, 4 processing (the running job), -4 no handler), the job's key (nil for -4) and record
  (for -4 only { task, entity }).
]]
local function enqueueOne(ctx, task, entity, priority, args, kwargs, metadata, due)
  local now = ctx.now
  if ctx.known[task] == nil then ctx.known[task] = rcall('HEXISTS', ctx.handlers, task) == 1 end
  -- Names no job, even when the entity has one: the reply carries only the task and entity.
  if not ctx.known[task] then return -4, nil, { task, entity } end

  local key = rcall('HGET', ctx.entities, entity)
  local job = key and (ctx.records[key] or loadJob(ctx.jobs, key))
  if job and isActive(job) then
    ctx.records[key] = job
    if job[STATUS] == 'processing' then return 4, key, job end
    local code = 3
    local changed = dueBy(ctx, key, job, due)
    if priority < job[PRIORITY] then
      local from = job[PRIORITY]
      job[PRIORITY] = priority
      job[PRIORITY_UPDATED_AT] = now
      if job[STATUS] == 'queued' then
        makeReady(ctx.flow, key, job)
        countBand(ctx, from, -1)
        countBand(ctx, priority, 1)
      end
      emitEvent(ctx.events, now, 'job.priority_changed', key, job, { from = from })
      code, changed = 2, true
    end
    if changed then
      saveJob(ctx.jobs, key, job)
      ctx.wrote = true
    end
    return code, key, job
  end

  local seq = rcall('INCR', ctx.seq)
  key = base62(seq, 1)
  job = { task, entity, args, kwargs, metadata, priority, seq, now, 0, 'queued',
    false, false, false, false, false, false, false }
  local detail = nil
  if due > now then
    job[STATUS], job[NEXT_ATTEMPT_AT] = 'scheduled', due
    scheduleAt(ctx, key, due)
    countScheduled(ctx.flow, task, 1)
    detail = { next_attempt_at = due }
  else
    queueJob(ctx, key, job)
  end
  saveJob(ctx.jobs, key, job)
  rcall('HSET', ctx.entities, entity, key)
  emitEvent(ctx.events, now, 'job.enqueued', key, job, detail)
  ctx.records[key] = job
  ctx.created = ctx.created + 1
  return 1, key, job
end
