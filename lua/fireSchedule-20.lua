--[[
  Fires a schedule: enqueues its job for one tick (as POST /jobs would, entity deduplication
  included: a tick whose entity still has an active job answers `exists` and adds nothing) and
  advances the schedule to its next tick, in one step. A tick fires only when the schedule still
  waits for the tick time the caller planned from (`expected`) at the revision it planned with:
  of any number of workers firing the same tick, one enqueues and the others are told 0, and a
  call repeated after its answer was lost finds the schedule advanced and changes nothing.
  A trigger (POST .../trigger) enqueues now and leaves the schedule's next tick where it is.
  The caller computes tick times (the cron library lives in TypeScript); this script only compares.
  KEYS[1] schedules HASH    jobq:{q}:schedules  name -> schedule JSON
  KEYS[2] ticks     ZSET    jobq:{q}:ticks      name -> next tick (ms), schedules not paused only
  KEYS[3] queued    ZSET    jobq:{q}:queued     score = priority * 2^49 + seq
  KEYS[4] jobs      HASH    jobq:{q}:jobs       key -> record (includes/job.lua)
  KEYS[5] entities  HASH    jobq:{q}:entities   entity_id -> key of its latest job
  KEYS[6] seq       STRING  jobq:{q}:seq        first-enqueue counter
  KEYS[7] wake      CHANNEL jobq:{q}:wake       not a key: published to when the job is dispatchable with none before
  KEYS[8] handlers  HASH    jobq:{q}:handlers   name -> handler JSON
  KEYS[9] format    STRING  jobq:{q}:format     the data format (includes/job.lua DATA_FORMAT)
  KEYS[10] scheduled ZSET   jobq:{q}:scheduled  score = due time (ms)
  KEYS[11] ready     PREFIX jobq:{q}:ready:     not a key: the prefix of each handler's ready zset (includes/flow.lua)
  KEYS[12] heads     ZSET   jobq:{q}:heads      handlers that may be dispatched to now
  KEYS[13] throttled ZSET   jobq:{q}:throttled  handlers held by their rate
  KEYS[14] flow      HASH   jobq:{q}:flow       limits, holds, in-flight and scheduled counts per handler
  KEYS[15] events    STREAM jobq:{q}:events
  KEYS[16] processing ZSET  jobq:{q}:processing score = lease deadline (ms)
  KEYS[17] stats     HASH   jobq:{q}:stats      (the `leases` counter that makes lease tokens unique)
  KEYS[18] paused    STRING jobq:{q}:paused     present while the queue is paused: nothing is delivered
  KEYS[19] idle      ZSET   jobq:{q}:idle       workers waiting on their pickup list (includes/pickup.lua)
  KEYS[20] pickup    PREFIX jobq:{q}:pickup:    not a key: the prefix of each worker's pickup list
  ARGV[1] now (ms)  ARGV[2] name  ARGV[3] 'tick' or 'trigger'
  ARGV[4] expected next tick (ms)  ARGV[5] expected revision      (tick only)
  ARGV[6] the tick to enqueue (ms), '' to enqueue none (missed ticks with catch_up "none")
  ARGV[7] the next tick after now (ms), '' when the expression never matches again   (tick only)
  Returns { 1, schedule JSON, job reply (includes/job.lua pushJob, code 1 created, 2 priority_raised,
  3 exists, 4 processing, -4 no handler) or nothing when no job was enqueued }, { 0 } when the
  tick is not the schedule's (fired already, paused, changed), { -1 } for no such schedule, or
  { -7, mark, format } for data this version cannot read.
]]
--- @include "job"
--- @include "flow"
--- @include "enqueue"
--- @include "pickup"

local schedulesKey, ticksKey = KEYS[1], KEYS[2]
local now, name, mode = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local raw = rcall('HGET', schedulesKey, name)
if not raw then
  -- A tick left of a schedule that is gone (not by deleteSchedule, which removes both): nothing waits for it.
  rcall('ZREM', ticksKey, name)
  return { -1 }
end
local schedule = cjson.decode(raw)
if mode == 'tick' and (schedule.paused or schedule.next_run_at ~= tonumber(ARGV[4])
    or schedule.revision ~= tonumber(ARGV[5])) then
  return { 0 }
end
local mark = formatMark(KEYS[9], KEYS[4], KEYS[6])
if mark ~= nil and mark ~= DATA_FORMAT then return { -7, mark, DATA_FORMAT } end

local reply = { 1, false }
local tick = tonumber(ARGV[6])
if tick then
  local flow = newFlow(KEYS[11], KEYS[12], KEYS[13], KEYS[14])
  local ctx = newEnqueue({ queued = KEYS[3], jobs = KEYS[4], entities = KEYS[5], seq = KEYS[6], handlers = KEYS[8],
    scheduled = KEYS[10], events = KEYS[15] }, flow, now)
  local spec = schedule.job
  local code, key, job = enqueueOne(ctx, spec.task, spec.entity_id, spec.priority, spec.args, spec.kwargs,
    spec.metadata, 0)
  if code == 1 then
    -- The callback says which schedule and tick the job is for (jobq-schedule, jobq-tick).
    job[SCHEDULE], job[TICK] = name, tick
    saveJob(ctx.jobs, key, job)
    if mark == nil then rcall('SET', KEYS[9], DATA_FORMAT) end
  end
  local posQueue, posPriority = false, false
  if key then posQueue, posPriority = positions(ctx.queued, key, job) end
  pushJob(reply, code, key or false, job, posQueue, posPriority, false)
  deliverAndWake(ctx, newPickup(KEYS[19], KEYS[20], KEYS[16], KEYS[17], KEYS[18], KEYS[4], KEYS[15]), KEYS[7])
  local outcomes = { [1] = 'created', [2] = 'priority_raised', [3] = 'exists', [4] = 'processing', [-4] = 'no_handler' }
  schedule.last_run_at = tick
  schedule.last_job_id = key and publicId(key, job) or cjson.null
  schedule.last_outcome = outcomes[code]
end
if mode == 'tick' then
  local nextTick = tonumber(ARGV[7])
  if nextTick then
    schedule.next_run_at = nextTick
    rcall('ZADD', ticksKey, nextTick, name)
  else
    schedule.next_run_at = cjson.null
    rcall('ZREM', ticksKey, name)
  end
end
raw = cjson.encode(schedule)
rcall('HSET', schedulesKey, name, raw)
reply[2] = raw
return reply
