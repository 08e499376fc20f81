--[[
  Shared helpers, inlined by src/queue/scripts.ts where a script says `--- @include "job"`.

  A job record is one field of the queue's `jobs` hash: key -> cmsgpack array. MessagePack keeps
  the caller's args/kwargs/metadata JSON byte for byte (cjson would turn [] into {} and round numbers),
  and one field per job in a shared hash costs far less memory than a key per job.
  Stored, a record is compact: its status is a small number, and the trailing fields that hold their
  default are left out, so a fresh queued job ends at queued_at. loadJob gives the full record back.

  Redis knows a job by its key, base 62 of its seq (1 to 4 characters up to 14.7M jobs: an 8-byte
  string where the public job_id takes 16), in the `jobs` hash, every state set and the entity index.
  Only the public job_id crosses a script's boundary: findJob and resolveJob turn it into the key,
  pushJob turns the key back into it.
]]
local rcall = redis.call

-- The layout of a queue's data: records, keys, sets. Any change a running queue could not read must
-- raise it, so that processes of one version refuse a queue written by another (checkFormat) instead
-- of misreading it. Queues written before the format was recorded have no `format` key.
local DATA_FORMAT = '4'

-- The queue's format mark: nil when it has neither data nor a mark yet, false when it holds data
-- with no mark (written before marks existed). Readable data is marked DATA_FORMAT.
local function formatMark(formatKey, jobsKey, seqKey)
  local mark = rcall('GET', formatKey)
  if mark then return mark end
  if rcall('EXISTS', jobsKey, seqKey) > 0 then return false end
  return nil
end

-- Field positions in a job record; src/queue/job.ts reads replies in the same order. The fields a
-- fresh job leaves at their default come last, so the stored record can leave them out.
local TASK, ENTITY, ARGS, KWARGS, METADATA = 1, 2, 3, 4, 5
local PRIORITY, SEQ, QUEUED_AT, ATTEMPTS, STATUS = 6, 7, 8, 9, 10
local PRIORITY_UPDATED_AT, STARTED_AT, FINISHED_AT = 11, 12, 13
local LEASE, LAST_ERROR, RESULT, NEXT_ATTEMPT_AT = 14, 15, 16, 17
-- An async handler's attempt (issue 14): its last progress report (JSON {percent, message, at}) and,
-- once the handler has taken the job (202), when its lease lapses (ms); false otherwise.
local PROGRESS, HELD_UNTIL = 18, 19
-- A schedule's tick (lua/fireSchedule-14.lua): the schedule's name and the tick's time (ms).
local SCHEDULE, TICK = 20, 21
local RECORD_FIELDS = 21

-- A stored status is its index here (append only: stored records keep their numbers).
local STATUS_NAMES = { 'queued', 'scheduled', 'processing', 'completed', 'failed', 'cancelled' }
local STATUS_CODES = {}
for code, name in ipairs(STATUS_NAMES) do STATUS_CODES[name] = code end
-- Stored defaults of the fields that have one other than false.
local STORED_DEFAULTS = { [ATTEMPTS] = 0, [STATUS] = STATUS_CODES.queued }

-- Score of a queued job in its handler's ready set (includes/flow.lua): priority band first, then
-- first-enqueue order. 2^49 leaves room for 5.6e14 jobs per band while every score stays an exact double.
local BAND = 562949953421312

local function queueScore(job)
  return job[PRIORITY] * BAND + job[SEQ]
end

-- An exclusive score bound ('(' then the score) for ZCOUNT and ZRANGEBYSCORE. Written out in full:
-- Lua's own number-to-string keeps 14 digits, and a score has up to 16.
local function below(score)
  return string.format('(%.0f', score)
end

-- A stored record as the scripts use it: every field present (false when empty), status by name.
local function decodeRecord(raw)
  local job = cmsgpack.unpack(raw)
  for i = #job + 1, RECORD_FIELDS do job[i] = STORED_DEFAULTS[i] or false end
  job[STATUS] = STATUS_NAMES[job[STATUS]]
  return job
end

local function loadJob(jobsKey, key)
  local raw = rcall('HGET', jobsKey, key)
  if not raw then return nil end
  return decodeRecord(raw)
end

-- Packs a proper sequence (cmsgpack makes a map of a table with holes) up to the last field that is
-- not at its default.
local function saveJob(jobsKey, key, job)
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
  rcall('HSET', jobsKey, key, cmsgpack.pack(stored))
end

-- Base 62 with its digits in ASCII order, so numbers of one width sort as byte strings (as Redis
-- orders them); at least `width` digits, left-padded with '0'.
local DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

local function base62(n, width)
  local s = ''
  repeat
    local d = n % 62
    s = string.sub(DIGITS, d + 1, d + 1) .. s
    n = (n - d) / 62
  until n == 0
  return string.rep('0', width - #s) .. s
end

-- The public job_id of the job stored under `key`: 7 digits of its enqueue millisecond keep ids in
-- time order until the year 2081, then the key padded to 5 digits (12 characters for a queue's first
-- 62^5 - 1 jobs, then one more per further digit; only ids of the one millisecond in which the key
-- grows a digit sort out of creation order). The key is unique, so the id is too.
local function publicId(key, job)
  return base62(job[QUEUED_AT], 7) .. string.rep('0', 5 - #key) .. key
end

-- The key and record a public job_id names, or nil: the id must be exactly the one publicId gives,
-- time part included, so an id that is malformed, padded otherwise or names a key with another
-- enqueue time is as unknown as an id that never was.
-- The time part is 7 digits until 62^7 ms (the year 2081); after that publicId writes 8 and ids
-- must be taken apart differently, so this is the place to change then.
local function findJob(jobsKey, id)
  if #id < 12 or not string.find(id, '^[0-9A-Za-z]+$') then return nil, nil end
  local key = string.gsub(string.sub(id, 8), '^0+', '')
  local job = key ~= '' and loadJob(jobsKey, key)
  if job and publicId(key, job) == id then return key, job end
  return nil, nil
end

-- An identifier is a job_id or an entity_id; job ids win, since they are generated and cannot be chosen.
local function resolveJob(jobsKey, entitiesKey, ident)
  local key, job = findJob(jobsKey, ident)
  if key then return key, job end
  key = rcall('HGET', entitiesKey, ident)
  if not key then return nil, nil end
  job = loadJob(jobsKey, key)
  if not job then return nil, nil end
  return key, job
end

local function isActive(job)
  local s = job[STATUS]
  return s == 'queued' or s == 'scheduled' or s == 'processing'
end

-- Appends code, the public job_id (false when key is), the record and the two positions to reply.
-- The record travels as one JSON array of its fields (false where empty, status by name; its numbers
-- are integers below 10^14, within cjson's 14 digits): one string costs Redis and the client a
-- fraction of what a reply element per field does. Without the caller's JSON when `omitCallerJson`.
local function pushJob(reply, code, key, job, posQueue, posPriority, omitCallerJson)
  local fields = {}
  for i = 1, RECORD_FIELDS do
    local v = job[i]
    if v == nil then v = false end
    fields[i] = v
  end
  if omitCallerJson then fields[ARGS], fields[KWARGS], fields[METADATA] = false, false, false end
  reply[#reply + 1] = code
  reply[#reply + 1] = key and publicId(key, job)
  reply[#reply + 1] = cjson.encode(fields)
  reply[#reply + 1] = posQueue or false
  reply[#reply + 1] = posPriority or false
  return reply
end

-- Tells idle workers of the queue to look again: a job became ready, or a due time came nearer.
-- A message on the queue's channel (classic PUBLISH, which a Redis Cluster carries to every node)
-- rather than a key a worker blocks on: one worker can then wait on many queues at once, also on
-- a cluster, where a blocking command cannot span slots. A message lost while a worker reconnects
-- costs only latency: the worker looks at every queue again when its subscription is back.
local function wakeWorkers(wakeChannel)
  rcall('PUBLISH', wakeChannel, '')
end

-- Drops up to `limit` finished jobs older than `cutoff`, with their entity pointer when it still
-- names them, so retained history never grows without bound.
local function trimFinished(setKey, jobsKey, entitiesKey, cutoff, limit)
  local keys = rcall('ZRANGEBYSCORE', setKey, '-inf', cutoff, 'LIMIT', 0, limit)
  for _, key in ipairs(keys) do
    local job = loadJob(jobsKey, key)
    if job and rcall('HGET', entitiesKey, job[ENTITY]) == key then
      rcall('HDEL', entitiesKey, job[ENTITY])
    end
    rcall('HDEL', jobsKey, key)
    rcall('ZREM', setKey, key)
  end
  return #keys
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

-- The retry settings of the handler a task names; a deleted handler leaves its jobs one attempt.
local function retryPolicy(handlersKey, task, cache)
  local known = cache[task]
  if known then return known end
  local raw = rcall('HGET', handlersKey, task)
  local policy = { max_attempts = 1, backoff_ms = 1000, async_lease_ms = 300000 }
  if raw then
    local h = cjson.decode(raw)
    policy.max_attempts = tonumber(h.max_attempts) or 1
    policy.backoff_ms = tonumber(h.backoff_ms) or 1000
    policy.async_lease_ms = tonumber(h.async_lease_ms) or 300000
  end
  cache[task] = policy
  return policy
end

local function maxAttempts(handlersKey, task, cache)
  return retryPolicy(handlersKey, task, cache).max_attempts
end

-- When a failed attempt is tried again: the handler's backoff doubled per attempt, at most a day.
-- (The worker adds jitter to the retries it schedules; this is for attempts that end in Redis.)
local function retryDelay(policy, attempts)
  return math.min(policy.backoff_ms * 2 ^ math.max(attempts - 1, 0), 86400000)
end

-- The claim counter a lease token ends with: what a callback token names (src/queue/callback-token.ts).
local function leaseCounter(lease)
  if not lease then return nil end
  return string.match(lease, '([^:]+)$')
end

-- A claimed job's next attempt: processing from now, nothing of the last attempt's progress or
-- handler hold, under the lease token `worker:attempt:counter`. The counter (the stats hash's
-- `leases`, one step per claim) makes it a token no earlier claim of this job had: the attempt
-- count alone repeats once POST /retry resets it (or a release gives an attempt back), and a late
-- answer to that earlier claim must not settle this one. Returns the token.
local function startAttempt(job, now, worker, counter)
  job[STATUS] = 'processing'
  job[ATTEMPTS] = job[ATTEMPTS] + 1
  job[STARTED_AT] = now
  job[PROGRESS] = false
  job[HELD_UNTIL] = false
  job[LEASE] = worker .. ':' .. job[ATTEMPTS] .. ':' .. counter
  return job[LEASE]
end

-- A lease an idle worker has not confirmed yet (includes/pickup.lua) is its plain token with this in
-- front. Either form is the lease of the worker that holds the plain token.
local PICKUP = 'pickup/'

local function pickupToken(token)
  return PICKUP .. token
end

local function isPickup(lease)
  return lease and string.sub(lease, 1, #PICKUP) == PICKUP or false
end

local function plainLease(lease)
  if isPickup(lease) then return string.sub(lease, #PICKUP + 1) end
  return lease
end

-- The worker a pickup lease was written for, or nil for any other lease.
local function pickupWorker(lease)
  if not isPickup(lease) then return nil end
  return string.match(lease, '^pickup/(.*):[^:]*:[^:]*$')
end

local function holdsLease(job, token)
  return job[LEASE] == token or job[LEASE] == PICKUP .. token
end

-- Appends a change of the job to the queue's event stream (GET /events), in the script that makes
-- the change, so no change goes unreported and none is reported that did not happen. The stream is
-- trimmed to JOBQ_EVENTS_RETENTION entries by the API's housekeeping, not here: a script then needs
-- no setting, and XADD stays a plain append.
-- An entry is one field `e`: type, job_id, task, status, priority, attempt and time (ms), then the
-- entity id, separated by spaces (none of the first seven can hold one; the entity id, last, may),
-- and a `detail` field of JSON when the change has more to say (src/events/event.ts decodeEntry).
-- One value instead of nine: every API process reading the stream decodes each entry, and
-- ioredis spent about 1 us per value (bench figure 8).
local function emitEvent(eventsKey, now, type, key, job, detail)
  local args = { 'XADD', eventsKey, '*', 'e', type .. ' ' .. publicId(key, job) .. ' ' .. job[TASK] .. ' ' .. job[STATUS] ..
    ' ' .. job[PRIORITY] .. ' ' .. job[ATTEMPTS] .. ' ' .. string.format('%.0f', now) .. ' ' .. job[ENTITY] }
  if detail then
    args[#args + 1] = 'detail'
    args[#args + 1] = cjson.encode(detail)
  end
  rcall(unpack(args))
end
