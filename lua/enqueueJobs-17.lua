--[[
  Enqueues one or more jobs, one entity at most once (the whole batch is atomic); see
  includes/enqueue.lua for what one job's step does.
  KEYS[1] jobs      HASH    jobq:{q}:jobs       key -> record (includes/job.lua)
  KEYS[2] entities  HASH    jobq:{q}:entities   entity_id -> key of its latest job
  KEYS[3] seq       STRING  jobq:{q}:seq        first-enqueue counter, never reused: it makes the key
  KEYS[4] wake      CHANNEL jobq:{q}:wake       not a key: published to when a job becomes dispatchable with none before, or a due time comes sooner
  KEYS[5] handlers  HASH    jobq:{q}:handlers   name -> handler JSON
  KEYS[6] format    STRING  jobq:{q}:format     the data format (includes/job.lua DATA_FORMAT)
  KEYS[7] scheduled ZSET    jobq:{q}:scheduled  score = due time (ms): delayed jobs and retries
  KEYS[8] ready        PREFIX jobq:{q}:ready:     not a key: the prefix of each handler's ready zset ready:<task> (includes/flow.lua)
  KEYS[9] heads       ZSET   jobq:{q}:heads      handlers that may be dispatched to now, score = their first ready job's
  KEYS[10] throttled   ZSET   jobq:{q}:throttled  handlers held by their rate, score = when they may start again (ms)
  KEYS[11] flow        HASH   jobq:{q}:flow       limits, holds, in-flight and scheduled counts per handler
  KEYS[12] events   STREAM  jobq:{q}:events
  KEYS[13] processing ZSET  jobq:{q}:processing score = lease deadline (ms)
  KEYS[14] stats    HASH    jobq:{q}:stats      (the `leases` counter that makes lease tokens unique)
  KEYS[15] paused   STRING  jobq:{q}:paused     present while the queue is paused: nothing is delivered
  KEYS[16] idle     ZSET    jobq:{q}:idle       workers waiting on their pickup list (includes/pickup.lua)
  KEYS[17] pickup   PREFIX  jobq:{q}:pickup:    not a key: the prefix of each worker's pickup list
  ARGV[1] now (ms)  ARGV[2] job count n
  ARGV[3 + 7i ..]   task, entity_id, priority, args JSON, kwargs JSON, metadata JSON, due time (ms; 0: now)
  ARGV[3 + 7n]      '1' when the caller waits for replicas (JOBQ_WAIT_REPLICAS), else absent
  Returns { -7, the queue's mark or false, this version's format } for data this version cannot
  read (see checkFormat), else, per job, a job reply (see includes/job.lua pushJob) whose code is
  one of
    1 created, 2 priority_raised, 3 exists, 4 processing (names the running job), -4 no handler.
    A created job's reply leaves out args, kwargs and metadata (false): the caller has them.
  Jobs that became ready go to idle workers' pickup lists when some wait (includes/pickup.lua); an
  item's answer is as its step left it, before that.
]]
--- @include "job"
--- @include "flow"
--- @include "enqueue"
--- @include "pickup"

-- Data this version cannot read (no mark, or another format) is refused before any write, as
-- checkFormat refuses it: an API that started while Redis was away has not checked yet.
local mark = formatMark(KEYS[6], KEYS[1], KEYS[3])
if mark ~= nil and mark ~= DATA_FORMAT then return { -7, mark, DATA_FORMAT } end
local count = tonumber(ARGV[2])
local flow = newFlow(KEYS[8], KEYS[9], KEYS[10], KEYS[11])
local ctx = newEnqueue({ jobs = KEYS[1], entities = KEYS[2], seq = KEYS[3], handlers = KEYS[5],
  scheduled = KEYS[7], events = KEYS[12] }, flow, tonumber(ARGV[1]))

local reply = {}
for i = 0, count - 1 do
  local base = 3 + i * 7
  local code, key, job = enqueueOne(ctx, ARGV[base], ARGV[base + 1], tonumber(ARGV[base + 2]),
    ARGV[base + 3], ARGV[base + 4], ARGV[base + 5], tonumber(ARGV[base + 6]))
  -- Each item is answered with the state its own step left, positions included, as if the batch's
  -- items had been separate calls in this order: a later item that raises the priority of a job
  -- created earlier in the batch changes that later item's answer, not the earlier one's.
  local posQueue, posPriority = false, false
  if key then posQueue, posPriority = positionsOf(ctx, code, key, job) end
  -- A created job's args, kwargs and metadata are the caller's own: not sent back (false in their place).
  pushJob(reply, code, key or false, job, posQueue, posPriority, code == 1)
end

deliverAndWake(ctx, newPickup(KEYS[16], KEYS[17], KEYS[13], KEYS[14], KEYS[15], KEYS[1], KEYS[12]), KEYS[4])
if ctx.created > 0 then
  -- Marks the data even when its keys were deleted under a running API (a flush), so that the
  -- next process to start finds it marked.
  if mark == nil then rcall('SET', KEYS[6], DATA_FORMAT) end
elseif mark ~= nil and not ctx.wrote and ARGV[3 + 7 * count] == '1' then
  -- A batch that changed nothing (every item exists) still writes once when the caller waits for
  -- replicas: WAIT counts a connection's own writes only, and the job these answers name may have
  -- been written through another connection and not be on a replica yet. Rewriting the mark makes
  -- this connection's WAIT cover everything the master had written by now. (Without WAIT nothing
  -- is written, so an entity that exists is answered even while Redis is out of memory.)
  rcall('SET', KEYS[6], DATA_FORMAT)
end
return reply
