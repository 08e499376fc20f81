--[[
  Flow control: which handlers may be dispatched to now. Inlined after "job" where a script says
  `--- @include "flow"`.

  Every queued job waits in one sorted set: its handler's own `ready:<task>` zset, scored by
  priority band then first-enqueue order (queueScore). The queue's order is the merge of those sets
  by score (scores are unique: each holds the job's seq), so positions, counts and listings sum or
  merge over the queue's handlers (waitingTasks), a few of them, rather than keeping a second set of
  every queued job (format 3; formats 1 and 2 kept a `queued` zset too, which checkFormat drops).
  The `heads` zset holds each handler that
  may be dispatched to now, scored by its first ready job, so a claim reads the next job of the
  whole queue from the first head, and a handler that is paused or at a limit is simply not there:
  its backlog, however long, is never looked at by a claim (no head-of-line blocking, and a claim
  costs the same with 10 or 10 million jobs waiting behind a held handler).

  The `flow` hash keeps, per handler (field prefix, then the handler's name):
    limit:<task>     'max_concurrency,rate_per_second,burst,paused' ('' for none; absent: no limits)
    held:<task>      why it is out of `heads`: 'paused', 'concurrency' or 'rate'
    inflight:<task>  its jobs in `processing` (absent: none)
    tat:<task>       the rate limiter's state: the theoretical time (ms) of the next start (GCRA)
    scheduled:<task> its jobs in `scheduled` (absent: none)
  A handler held by its rate also waits in the `throttled` zset, scored by the time it may start
  the next job; the claim's housekeeping puts it back in `heads` then.
]]

local function newFlow(readyPrefix, headsKey, throttledKey, flowKey)
  return { ready = readyPrefix, heads = headsKey, throttled = throttledKey, state = flowKey, held = {} }
end

-- The handlers that may have queued jobs: those in `heads` and those held, since a handler with a
-- ready job is always one or the other (refreshHead, makeReady). Read once per script and kept up
-- to date by makeReady; a handler that has since run out of jobs stays listed and counts nothing.
local function waitingTasks(flow)
  if flow.waiting then return flow.waiting end
  local list, known = rcall('ZRANGE', flow.heads, 0, -1), {}
  for _, task in ipairs(list) do known[task] = true end
  local state = rcall('HGETALL', flow.state)
  for i = 1, #state, 2 do
    local task = string.match(state[i], '^held:(.*)$')
    if task and not known[task] then
      list[#list + 1] = task
      known[task] = true
    end
  end
  flow.waiting, flow.waitingSet = list, known
  return list
end

-- How many queued jobs of the whole queue score within [from, to) (bounds as ZCOUNT takes them).
local function countReady(flow, from, to)
  local n = 0
  for _, task in ipairs(waitingTasks(flow)) do n = n + rcall('ZCOUNT', flow.ready .. task, from, to) end
  return n
end

-- Queued jobs of priority band p.
local function bandCount(flow, p)
  return countReady(flow, p * BAND, below((p + 1) * BAND))
end

-- Queued jobs per priority band: { [1] = n, [2] = n, [3] = n }.
local function bandCounts(flow)
  return { bandCount(flow, 1), bandCount(flow, 2), bandCount(flow, 3) }
end

-- 1-based positions over the whole queue and within the job's own priority band: the jobs that
-- score lower, in O(handlers x log N). False for a job that is not queued.
local function positions(flow, key, job)
  if job[STATUS] ~= 'queued' then return false, false end
  local score = queueScore(job)
  if tonumber(rcall('ZSCORE', flow.ready .. job[TASK], key)) ~= score then return false, false end
  local before = below(score)
  return countReady(flow, '-inf', before) + 1, countReady(flow, job[PRIORITY] * BAND, before) + 1
end

local function isHeld(flow, task)
  local held = flow.held[task]
  if held == nil then
    held = rcall('HEXISTS', flow.state, 'held:' .. task) == 1
    flow.held[task] = held
  end
  return held
end

-- Puts the handler in `heads` at its first ready job, or takes it out when it has none; a held
-- handler stays out until whatever holds it lets go.
local function refreshHead(flow, task)
  if isHeld(flow, task) then return end
  local head = rcall('ZRANGE', flow.ready .. task, 0, 0, 'WITHSCORES')
  if head[1] then rcall('ZADD', flow.heads, head[2], task) else rcall('ZREM', flow.heads, task) end
end

-- The job is queued: at its place in its handler's ready set (a new score moves a queued job).
local function makeReady(flow, key, job)
  local score = queueScore(job)
  local task = job[TASK]
  rcall('ZADD', flow.ready .. task, score, key)
  -- LT: the head moves only when this job is now the handler's first (a new member is added).
  if not isHeld(flow, task) then rcall('ZADD', flow.heads, 'LT', score, task) end
  if flow.waiting and not flow.waitingSet[task] then
    flow.waiting[#flow.waiting + 1] = task
    flow.waitingSet[task] = true
  end
end

-- The job leaves the queue without being claimed (cancelled).
local function unready(flow, key, job)
  rcall('ZREM', flow.ready .. job[TASK], key)
  refreshHead(flow, job[TASK])
end

local function countScheduled(flow, task, delta)
  local field = 'scheduled:' .. task
  if rcall('HINCRBY', flow.state, field, delta) <= 0 then rcall('HDEL', flow.state, field) end
end

-- Lets go of a handler held for the reason given (any reason when nil); true when it was held.
local function release(flow, task, reason)
  local held = rcall('HGET', flow.state, 'held:' .. task)
  if not held or (reason and held ~= reason) then return false end
  rcall('HDEL', flow.state, 'held:' .. task)
  rcall('ZREM', flow.throttled, task)
  flow.held[task] = false
  refreshHead(flow, task)
  return true
end

-- A job of the handler left `processing`: its slot is free. Returns true when that lets a handler
-- held at its concurrency limit go, so idle workers should look again.
local function freeSlot(flow, task)
  local field = 'inflight:' .. task
  if rcall('HINCRBY', flow.state, field, -1) <= 0 then rcall('HDEL', flow.state, field) end
  return release(flow, task, 'concurrency')
end

-- The handler's limits, or false when it has none: { concurrency, rate, burst, paused }.
local function limitsOf(flow, task)
  local raw = rcall('HGET', flow.state, 'limit:' .. task)
  if not raw then return false end
  local c, r, b, p = string.match(raw, '^([^,]*),([^,]*),([^,]*),([^,]*)$')
  return { concurrency = tonumber(c), rate = tonumber(r), burst = tonumber(b), paused = p == '1' }
end

-- How many jobs of the handler may start now (at most `want`), or 0 with why not and, for the
-- rate, the time it allows the next start. The rate is a GCRA: one start per 1000 / rate ms on
-- average, `burst` at once from rest; `tat` is when the bucket would be empty again.
local function admit(flow, task, limits, want, now)
  if limits.paused then return 0, 'paused' end
  if limits.concurrency then
    local free = limits.concurrency - (tonumber(rcall('HGET', flow.state, 'inflight:' .. task)) or 0)
    if free <= 0 then return 0, 'concurrency' end
    if free < want then want = free end
  end
  if limits.rate then
    local interval = 1000 / limits.rate
    local tat = math.max(tonumber(rcall('HGET', flow.state, 'tat:' .. task)) or now, now)
    local tokens = math.floor((now + limits.burst * interval - tat) / interval + 1e-9)
    if tokens <= 0 then return 0, 'rate', tat + interval - limits.burst * interval end
    if tokens < want then want = tokens end
  end
  return want
end

-- Counts `n` starts of the handler: its in-flight jobs and its rate limiter.
local function started(flow, task, limits, n, now)
  rcall('HINCRBY', flow.state, 'inflight:' .. task, n)
  if limits and limits.rate then
    local tat = math.max(tonumber(rcall('HGET', flow.state, 'tat:' .. task)) or now, now)
    rcall('HSET', flow.state, 'tat:' .. task, tat + n * 1000 / limits.rate)
  end
end

local function hold(flow, task, reason, untilMs)
  rcall('HSET', flow.state, 'held:' .. task, reason)
  rcall('ZREM', flow.heads, task)
  if untilMs then rcall('ZADD', flow.throttled, math.ceil(untilMs), task) end
  flow.held[task] = true
end

-- Handlers whose rate allows a start again go back into `heads`.
local function releaseThrottled(flow, now)
  local due = rcall('ZRANGEBYSCORE', flow.throttled, '-inf', now, 'LIMIT', 0, 100)
  for _, task in ipairs(due) do release(flow, task, 'rate') end
  return #due
end

--[[
  Takes up to `count` jobs off the front of the whole queue, skipping handlers that may not start
  one now (and holding them, so the next claim does not look at them again). Takes a handler's
  jobs in one step while they come before the next handler's first job, so a queue of one busy
  handler costs a few commands per claim, not a few per job. Returns the keys in claim order.
]]
local function claimReady(flow, count, now)
  local keys = {}
  -- Each round claims or holds one handler; the bound only guards against a loop on damaged data.
  local rounds = 0
  while #keys < count and rounds < count + 1000 do
    rounds = rounds + 1
    local top = rcall('ZRANGE', flow.heads, 0, 1, 'WITHSCORES')
    if not top[1] then break end
    local task = top[1]
    local limits = limitsOf(flow, task)
    local allow, reason, untilMs = count - #keys, nil, nil
    if limits then allow, reason, untilMs = admit(flow, task, limits, allow, now) end
    if allow == 0 then
      hold(flow, task, reason, untilMs)
    else
      local readyKey = flow.ready .. task
      local taken
      if top[3] then
        taken = rcall('ZRANGEBYSCORE', readyKey, '-inf', '(' .. top[4], 'LIMIT', 0, allow)
      else
        taken = rcall('ZRANGE', readyKey, 0, allow - 1)
      end
      callMany('ZREM', readyKey, taken)
      refreshHead(flow, task)
      started(flow, task, limits, #taken, now)
      for _, key in ipairs(taken) do keys[#keys + 1] = key end
    end
  end
  return keys
end

-- A handler setting as the handler JSON holds it: nil when unset (absent or JSON null).
local function setting(v)
  if v == nil or v == cjson.null then return nil end
  return v
end

-- Writes the handler's limits where a claim reads them (the handler JSON is for the API): absent
-- when it has none, so a claim of an unlimited handler reads one missing field.
local function writeLimits(flow, handler)
  local field = 'limit:' .. handler.name
  local c, r, b = setting(handler.max_concurrency), setting(handler.rate_per_second), setting(handler.burst)
  local paused = setting(handler.paused) == true
  if not c and not r and not paused then
    rcall('HDEL', flow.state, field)
    return
  end
  if r and not b then b = math.ceil(r) end
  rcall('HSET', flow.state, field, (c or '') .. ',' .. (r or '') .. ',' .. (b or '') .. ',' .. (paused and '1' or ''))
end
