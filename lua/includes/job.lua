--[[
  Shared helpers, inlined by src/queue/scripts.ts where a script says `--- @include "job"`.

  A job record is one field of the queue's `jobs` hash: job_id -> cmsgpack array. MessagePack keeps
  the caller's args/kwargs/metadata JSON byte for byte (cjson would turn [] into {} and round numbers),
  and one field per job in a shared hash costs far less memory than a key per job.
  Stored, a record is compact: its status is a small number, and the trailing fields that hold their
  default are left out, so a fresh queued job ends at queued_at. loadJob gives the full record back.
]]
local rcall = redis.call

-- Field positions in a job record; src/queue/job.ts reads replies in the same order. The fields a
-- fresh job leaves at their default come last, so the stored record can leave them out.
local TASK, ENTITY, ARGS, KWARGS, METADATA = 1, 2, 3, 4, 5
local PRIORITY, SEQ, QUEUED_AT, ATTEMPTS, STATUS = 6, 7, 8, 9, 10
local PRIORITY_UPDATED_AT, STARTED_AT, FINISHED_AT = 11, 12, 13
local LEASE, LAST_ERROR, RESULT, NEXT_ATTEMPT_AT = 14, 15, 16, 17
local RECORD_FIELDS = 17

-- A stored status is its index here (append only: stored records keep their numbers).
local STATUS_NAMES = { 'queued', 'scheduled', 'processing', 'completed', 'failed', 'cancelled' }
local STATUS_CODES = {}
for code, name in ipairs(STATUS_NAMES) do STATUS_CODES[name] = code end
-- Stored defaults of the fields that have one other than false.
local STORED_DEFAULTS = { [ATTEMPTS] = 0, [STATUS] = STATUS_CODES.queued }

-- Score in the `queued` zset: priority band first, then first-enqueue order. 2^49 leaves room for
-- 5.6e14 jobs per band while every score stays an exact double.
local BAND = 562949953421312

local function queueScore(job)
  return job[PRIORITY] * BAND + job[SEQ]
end

-- A stored record as the scripts use it: every field present (false when empty), status by name.
local function decodeRecord(raw)
  local job = cmsgpack.unpack(raw)
  for i = #job + 1, RECORD_FIELDS do job[i] = STORED_DEFAULTS[i] or false end
  job[STATUS] = STATUS_NAMES[job[STATUS]]
  return job
end

local function loadJob(jobsKey, id)
  local raw = rcall('HGET', jobsKey, id)
  if not raw then return nil end
  return decodeRecord(raw)
end

-- Packs a proper sequence (cmsgpack makes a map of a table with holes) up to the last field that is
-- not at its default.
local function saveJob(jobsKey, id, job)
  local stored = {}
  for i = 1, RECORD_FIELDS do
    local v = job[i]
    if i == STATUS then v = STATUS_CODES[v] end
    if v == nil then v = false end
    stored[i] = v
  end
  for i = RECORD_FIELDS, 1, -1 do
    if stored[i] ~= (STORED_DEFAULTS[i] or false) then break end
    stored[i] = nil
  end
  rcall('HSET', jobsKey, id, cmsgpack.pack(stored))
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

-- One command for many members (ZADD score member ..., ZREM member ...) instead of one per member,
-- in chunks of an even size that keep unpack within Lua's stack.
local function callMany(command, key, args)
  for i = 1, #args, 1000 do
    rcall(command, key, unpack(args, i, math.min(#args, i + 999)))
  end
end

-- Totals and runtime statistics of jobs that ran to an end (completed or failed), for GET /queue.
-- A script gathers them with addFinished and writes them once with flushFinished: a worker's batch
-- then costs a handful of commands on the stats hash, not a handful per job.
local function newFinished()
  return { counts = {}, processed = 0, sum = 0, min = false, max = false }
end

local function addFinished(finished, status, runtime)
  finished.counts[status] = (finished.counts[status] or 0) + 1
  finished.processed = finished.processed + 1
  finished.sum = finished.sum + runtime
  if not finished.min or runtime < finished.min then finished.min = runtime end
  if not finished.max or runtime > finished.max then finished.max = runtime end
end

local function flushFinished(statsKey, finished)
  if finished.processed == 0 then return end
  for status, n in pairs(finished.counts) do rcall('HINCRBY', statsKey, status, n) end
  rcall('HINCRBY', statsKey, 'processed', finished.processed)
  rcall('HINCRBY', statsKey, 'runtime_sum', finished.sum)
  local min = tonumber(rcall('HGET', statsKey, 'runtime_min'))
  if not min or finished.min < min then rcall('HSET', statsKey, 'runtime_min', finished.min) end
  local max = tonumber(rcall('HGET', statsKey, 'runtime_max'))
  if not max or finished.max > max then rcall('HSET', statsKey, 'runtime_max', finished.max) end
end

local function recordFinished(statsKey, status, runtime)
  local finished = newFinished()
  addFinished(finished, status, runtime)
  flushFinished(statsKey, finished)
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
