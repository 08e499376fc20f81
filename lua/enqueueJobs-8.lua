--[[
  Enqueues one or more jobs, one entity at most once (the whole batch is atomic). A job with a due
  time after now is scheduled (as a retry is) until it is due; an entity whose job is scheduled
  becomes due at the earlier of its due time and the new request's.
  KEYS[1] queued    ZSET    jobq:{q}:queued     score = priority * 2^49 + seq
  KEYS[2] jobs      HASH    jobq:{q}:jobs       key -> record (includes/job.lua)
  KEYS[3] entities  HASH    jobq:{q}:entities   entity_id -> key of its latest job
  KEYS[4] seq       STRING  jobq:{q}:seq        first-enqueue counter, never reused: it makes the key
  KEYS[5] wake      CHANNEL jobq:{q}:wake       not a key: published to when the queue stops being empty or a due time comes sooner
  KEYS[6] handlers  HASH    jobq:{q}:handlers   name -> handler JSON
  KEYS[7] format    STRING  jobq:{q}:format     the data format (includes/job.lua DATA_FORMAT)
  KEYS[8] scheduled ZSET    jobq:{q}:scheduled  score = due time (ms): delayed jobs and retries
  ARGV[1] now (ms)  ARGV[2] job count n
  ARGV[3 + 7i ..]   task, entity_id, priority, args JSON, kwargs JSON, metadata JSON, due time (ms; 0: now)
  ARGV[3 + 7n]      '1' when the caller waits for replicas (JOBQ_WAIT_REPLICAS), else absent
  Returns { -7, the queue's mark or false, this version's format } for data this version cannot
  read (see checkFormat), else, per job, a job reply (see includes/job.lua pushJob) whose code is
  one of
    1 created, 2 priority_raised, 3 exists, 4 processing (names the running job), -4 no handler.
    A created job's reply leaves out args, kwargs and metadata (false): the caller has them.
]]
--- @include "job"

local queuedKey, jobsKey, entitiesKey, seqKey, wakeChannel, handlersKey, formatKey, scheduledKey =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]
-- Data this version cannot read (no mark, or another format) is refused before any write, as
-- checkFormat refuses it: an API that started while Redis was away has not checked yet.
local mark = formatMark(formatKey, jobsKey, seqKey)
if mark ~= nil and mark ~= DATA_FORMAT then return { -7, mark, DATA_FORMAT } end
local now = tonumber(ARGV[1])
local count = tonumber(ARGV[2])
local known = {}
-- key -> its record as the batch goes: a later item naming the same entity sees the earlier ones.
local records = {}
local reply = {}
local created = 0
-- Idle workers already know of a queue that has jobs, and wait for the earliest due time they know
-- of: only the first job into an empty queue, or a due time sooner than any, wakes them.
local wasEmpty = rcall('ZCARD', queuedKey) == 0
local firstDue = tonumber(rcall('ZRANGE', scheduledKey, 0, 0, 'WITHSCORES')[2])
local wake = false
local wrote = false

-- Makes a delayed job due at `due` (now or earlier: queued at its place), keeping an earlier due
-- time. A retry keeps its backoff: a handler that asked for time (429, Retry-After) gets it.
local function dueBy(key, job, due)
  if job[STATUS] ~= 'scheduled' or job[ATTEMPTS] > 0 or due >= job[NEXT_ATTEMPT_AT] then return false end
  if due <= now then
    rcall('ZREM', scheduledKey, key)
    job[STATUS] = 'queued'
    job[NEXT_ATTEMPT_AT] = false
    rcall('ZADD', queuedKey, queueScore(job), key)
    if wasEmpty then wake = true end
  else
    job[NEXT_ATTEMPT_AT] = due
    rcall('ZADD', scheduledKey, due, key)
    if not firstDue or due < firstDue then wake, firstDue = true, due end
  end
  return true
end

for i = 0, count - 1 do
  local base = 3 + i * 7
  local task, entity, priority = ARGV[base], ARGV[base + 1], tonumber(ARGV[base + 2])
  local due = tonumber(ARGV[base + 6])
  if known[task] == nil then known[task] = rcall('HEXISTS', handlersKey, task) == 1 end
  local key, job = nil, nil
  local existingKey = rcall('HGET', entitiesKey, entity)
  if existingKey then
    job = records[existingKey] or loadJob(jobsKey, existingKey)
    if job and isActive(job) then key = existingKey else job = nil end
  end

  local code
  if not known[task] then
    -- Names no job, even when the entity has one: the reply carries only the task and entity.
    code, key, job = -4, nil, {task, entity}
  elseif job and job[STATUS] == 'processing' then
    code = 4
  elseif job then
    code = 3
    local changed = dueBy(key, job, due)
    if priority < job[PRIORITY] then
      job[PRIORITY] = priority
      job[PRIORITY_UPDATED_AT] = now
      if job[STATUS] == 'queued' then rcall('ZADD', queuedKey, queueScore(job), key) end
      code, changed = 2, true
    end
    if changed then
      saveJob(jobsKey, key, job)
      wrote = true
    end
  else
    local seq = rcall('INCR', seqKey)
    key = base62(seq, 1)
    job = {task, entity, ARGV[base + 3], ARGV[base + 4], ARGV[base + 5], priority, seq, now, 0, 'queued',
      false, false, false, false, false, false, false}
    if due > now then
      job[STATUS], job[NEXT_ATTEMPT_AT] = 'scheduled', due
      rcall('ZADD', scheduledKey, due, key)
      if not firstDue or due < firstDue then wake, firstDue = true, due end
    else
      rcall('ZADD', queuedKey, queueScore(job), key)
      if wasEmpty then wake = true end
    end
    saveJob(jobsKey, key, job)
    rcall('HSET', entitiesKey, entity, key)
    created = created + 1
    code = 1
  end
  -- Each item is answered with the state its own step left, positions included, as if the batch's
  -- items had been separate calls in this order: a later item that raises the priority of a job
  -- created earlier in the batch changes that later item's answer, not the earlier one's.
  local posQueue, posPriority = false, false
  if key then
    records[key] = job
    posQueue, posPriority = positions(queuedKey, key, job)
  end
  -- A created job's args, kwargs and metadata are the caller's own: not sent back (false in their place).
  pushJob(reply, code, key or false, job, posQueue, posPriority, code == 1)
end

if wake then wakeWorkers(wakeChannel) end
if created > 0 then
  -- Marks the data even when its keys were deleted under a running API (a flush), so that the
  -- next process to start finds it marked.
  if mark == nil then rcall('SET', formatKey, DATA_FORMAT) end
elseif mark ~= nil and not wrote and ARGV[3 + 7 * count] == '1' then
  -- A batch that changed nothing (every item exists) still writes once when the caller waits for
  -- replicas: WAIT counts a connection's own writes only, and the job these answers name may have
  -- been written through another connection and not be on a replica yet. Rewriting the mark makes
  -- this connection's WAIT cover everything the master had written by now. (Without WAIT nothing
  -- is written, so an entity that exists is answered even while Redis is out of memory.)
  rcall('SET', formatKey, DATA_FORMAT)
end
return reply
