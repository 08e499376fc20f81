--[[
  Enqueues one or more jobs, one entity at most once (the whole batch is atomic).
  KEYS[1] queued    ZSET    jobq:{q}:queued     score = priority * 2^49 + seq
  KEYS[2] jobs      HASH    jobq:{q}:jobs       job_id -> record
  KEYS[3] entities  HASH    jobq:{q}:entities   entity_id -> latest job_id
  KEYS[4] seq       STRING  jobq:{q}:seq        first-enqueue counter
  KEYS[5] marker    ZSET    jobq:{q}:marker     wakes blocked workers
  KEYS[6] handlers  HASH    jobq:{q}:handlers   name -> handler JSON
  ARGV[1] now (ms)  ARGV[2] job count n
  ARGV[3 + 6i ..]   task, entity_id, priority, args JSON, kwargs JSON, metadata JSON
  Returns, per job, a job reply (see includes/job.lua pushJob) whose code is one of
    1 created, 2 priority_raised, 3 exists, 4 processing (names the running job), -4 no handler.
    A created job's reply leaves out args, kwargs and metadata (false): the caller has them.
]]
--- @include "job"

local queuedKey, jobsKey, entitiesKey, seqKey, markerKey, handlersKey =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local now = tonumber(ARGV[1])
local count = tonumber(ARGV[2])
local known = {}
-- job_id -> its record as this batch leaves it: items naming one entity share the table, so every
-- reply shows the job's final priority (a later item may raise it), as its positions do.
local records = {}
local results = {}
local created = 0

-- Base 62 with its digits in ASCII order, so ids sort by time as byte strings (as Redis orders them).
local DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

local function base62(n, width)
  local s = ''
  for _ = 1, width do
    local d = n % 62
    s = string.sub(DIGITS, d + 1, d + 1) .. s
    n = (n - d) / 62
  end
  return s
end

-- 12 characters: 7 digits of milliseconds keep ids in time order until the year 2081; 5 of the
-- sequence make them unique (two ids of one millisecond are 62^5 enqueues apart at the least).
local function newJobId(seq)
  return base62(now, 7) .. base62(seq % 916132832, 5)
end

for i = 0, count - 1 do
  local base = 3 + i * 6
  local task, entity, priority = ARGV[base], ARGV[base + 1], tonumber(ARGV[base + 2])
  if known[task] == nil then known[task] = rcall('HEXISTS', handlersKey, task) == 1 end
  local id, job = nil, nil
  local existingId = rcall('HGET', entitiesKey, entity)
  if existingId then
    job = records[existingId] or loadJob(jobsKey, existingId)
    if job and isActive(job) then id = existingId else job = nil end
  end

  if not known[task] then
    results[#results + 1] = {-4, false, {task, entity}}
  elseif job and job[STATUS] == 'processing' then
    results[#results + 1] = {4, id, job}
  elseif job then
    local code = 3
    if priority < job[PRIORITY] then
      job[PRIORITY] = priority
      job[PRIORITY_UPDATED_AT] = now
      saveJob(jobsKey, id, job)
      if job[STATUS] == 'queued' then rcall('ZADD', queuedKey, queueScore(job), id) end
      code = 2
    end
    results[#results + 1] = {code, id, job}
  else
    local seq = rcall('INCR', seqKey)
    id = newJobId(seq)
    job = {task, entity, ARGV[base + 3], ARGV[base + 4], ARGV[base + 5], priority, seq, now, 0, 'queued',
      false, false, false, false, false, false, false}
    saveJob(jobsKey, id, job)
    rcall('HSET', entitiesKey, entity, id)
    rcall('ZADD', queuedKey, queueScore(job), id)
    created = created + 1
    results[#results + 1] = {1, id, job}
  end
  if id then records[id] = job end
end

if created > 0 then wakeWorkers(markerKey, 0) end
-- Positions are read after the whole batch is in, so each one is true when the reply leaves.
local reply = {}
for _, r in ipairs(results) do
  local at = #reply + 2
  if r[2] then
    pushJob(reply, r[1], r[2], r[3], positions(queuedKey, r[2], r[3]))
  else
    pushJob(reply, r[1], r[2], r[3], false, false)
  end
  -- A created job's args, kwargs and metadata are the caller's own: not sent back (false in their place).
  if r[1] == 1 then
    reply[at + ARGS], reply[at + KWARGS], reply[at + METADATA] = false, false, false
  end
end
return reply
