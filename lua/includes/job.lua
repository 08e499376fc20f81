--[[
  Shared helpers, inlined by src/queue/scripts.ts where a script says `--- @include "job"`.

  A job record is one field of the queue's `jobs` hash: job_id -> cmsgpack array. MessagePack keeps
  the caller's args/kwargs/metadata JSON byte for byte (cjson would turn [] into {} and round numbers),
  and one field per job in a shared hash costs far less memory than a key per job.
]]
local rcall = redis.call

-- Field positions in a job record; src/queue/job.ts reads replies in the same order.
local TASK, ENTITY, ARGS, KWARGS, METADATA = 1, 2, 3, 4, 5
local PRIORITY, SEQ, STATUS, ATTEMPTS = 6, 7, 8, 9
local QUEUED_AT, PRIORITY_UPDATED_AT, STARTED_AT, FINISHED_AT = 10, 11, 12, 13
local LEASE, LAST_ERROR, RESULT, NEXT_ATTEMPT_AT = 14, 15, 16, 17
local RECORD_FIELDS = 17

-- Score in the `queued` zset: priority band first, then first-enqueue order. 2^49 leaves room for
-- 5.6e14 jobs per band while every score stays an exact double.
local BAND = 562949953421312

local function queueScore(job)
  return job[PRIORITY] * BAND + job[SEQ]
end

local function loadJob(jobsKey, id)
  local raw = rcall('HGET', jobsKey, id)
  if not raw then return nil end
  return cmsgpack.unpack(raw)
end

local function saveJob(jobsKey, id, job)
  rcall('HSET', jobsKey, id, cmsgpack.pack(job))
end

-- An identifier is a job_id or an entity_id; job ids win, since they are generated and cannot be chosen.
local function resolveJob(jobsKey, entitiesKey, ident)
  local job = loadJob(jobsKey, ident)
  if job then return ident, job end
  local id = rcall('HGET', entitiesKey, ident)
  if not id then return nil, nil end
  job = loadJob(jobsKey, id)
  if not job then return nil, nil end
  return id, job
end

local function isActive(job)
  local s = job[STATUS]
  return s == 'queued' or s == 'scheduled' or s == 'processing'
end

-- 1-based positions over the whole queue and within the job's own priority band, in O(log N).
local function positions(queuedKey, id, job)
  if job[STATUS] ~= 'queued' then return false, false end
  local rank = rcall('ZRANK', queuedKey, id)
  if not rank then return false, false end
  local ahead = rcall('ZCOUNT', queuedKey, '-inf', '(' .. (job[PRIORITY] * BAND))
  return rank + 1, rank + 1 - ahead
end

-- Appends code, id, the record's fields and the two positions to reply.
local function pushJob(reply, code, id, job, posQueue, posPriority)
  reply[#reply + 1] = code
  reply[#reply + 1] = id
  for i = 1, RECORD_FIELDS do
    local v = job[i]
    if v == nil then v = false end
    reply[#reply + 1] = v
  end
  reply[#reply + 1] = posQueue or false
  reply[#reply + 1] = posPriority or false
  return reply
end

-- Wakes one blocked worker at `at` (ms) or earlier. LT keeps an earlier wake-up already asked for.
local function wakeWorkers(markerKey, at)
  rcall('ZADD', markerKey, 'LT', at, 'wake')
end

-- Drops up to `limit` finished jobs older than `cutoff`, with their entity pointer when it still
-- names them, so retained history never grows without bound.
local function trimFinished(setKey, jobsKey, entitiesKey, cutoff, limit)
  local ids = rcall('ZRANGEBYSCORE', setKey, '-inf', cutoff, 'LIMIT', 0, limit)
  for _, id in ipairs(ids) do
    local job = loadJob(jobsKey, id)
    if job and rcall('HGET', entitiesKey, job[ENTITY]) == id then
      rcall('HDEL', entitiesKey, job[ENTITY])
    end
    rcall('HDEL', jobsKey, id)
    rcall('ZREM', setKey, id)
  end
  return #ids
end

-- Totals and runtime statistics of jobs that ran to an end (completed or failed), for GET /queue.
local function recordFinished(statsKey, status, runtime)
  rcall('HINCRBY', statsKey, status, 1)
  rcall('HINCRBY', statsKey, 'processed', 1)
  rcall('HINCRBY', statsKey, 'runtime_sum', runtime)
  local min = tonumber(rcall('HGET', statsKey, 'runtime_min'))
  if not min or runtime < min then rcall('HSET', statsKey, 'runtime_min', runtime) end
  local max = tonumber(rcall('HGET', statsKey, 'runtime_max'))
  if not max or runtime > max then rcall('HSET', statsKey, 'runtime_max', runtime) end
end

-- max_attempts of the handler a task names; a deleted handler leaves its jobs one attempt.
local function maxAttempts(handlersKey, task, cache)
  local known = cache[task]
  if known then return known end
  local raw = rcall('HGET', handlersKey, task)
  local n = 1
  if raw then n = tonumber(cjson.decode(raw).max_attempts) or 1 end
  cache[task] = n
  return n
end
