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
  KEYS[3] jobs      HASH    jobq:{q}:jobs       key -> record (includes/job.lua)
  KEYS[4] entities  HASH    jobq:{q}:entities   entity_id -> key of its latest job
  KEYS[5] seq       STRING  jobq:{q}:seq        first-enqueue counter
  KEYS[6] wake      CHANNEL jobq:{q}:wake       not a key: published to when the job is dispatchable with none before
  KEYS[7] handlers  HASH    jobq:{q}:handlers   name -> handler JSON
  KEYS[8] format    STRING  jobq:{q}:format     the data format (includes/job.lua DATA_FORMAT)
  KEYS[9] scheduled ZSET   jobq:{q}:scheduled  score = due time (ms)
  KEYS[10] ready     PREFIX jobq:{q}:ready:     not a key: the prefix of each handler's ready zset (includes/flow.lua)
  KEYS[11] heads     ZSET   jobq:{q}:heads      handlers that may be dispatched to now
  KEYS[12] throttled ZSET   jobq:{q}:throttled  handlers held by their rate
  KEYS[13] flow      HASH   jobq:{q}:flow       limits, holds, in-flight and scheduled counts per handler
  KEYS[14] events    STREAM jobq:{q}:events
  KEYS[15] processing ZSET  jobq:{q}:processing score = lease deadline (ms)
  KEYS[16] stats     HASH   jobq:{q}:stats      (the `leases` counter that makes lease tokens unique)
  KEYS[17] paused    STRING jobq:{q}:paused     present while the queue is paused: nothing is delivered
  KEYS[18] idle      ZSET   jobq:{q}:idle       workers waiting on their pickup list (includes/pickup.lua)
  KEYS[19] pickup    PREFIX jobq:{q}:pickup:    not a key: the prefix of each worker's pickup list
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
local mark = formatMark(KEYS[8], KEYS[3], KEYS[5])
if mark ~= nil and mark ~= DATA_FORMAT then return { -7, mark, DATA_FORMAT } end

local reply = { 1, false }
local tick = tonumber(ARGV[6])
if tick then
  local flow = newFlow(KEYS[10], KEYS[11], KEYS[12], KEYS[13])
  local ctx = newEnqueue({ jobs = KEYS[3], entities = KEYS[4], seq = KEYS[5], handlers = KEYS[7],
    scheduled = KEYS[9], events = KEYS[14] }, flow, now)
  local spec = schedule.job
  local code, key, job = enqueueOne(ctx, spec.task, spec.entity_id, spec.priority, spec.args, spec.kwargs,
    spec.metadata, 0)
  if code == 1 then
    -- The callback says which schedule and tick the job is for (jobq-schedule, jobq-tick).
    job[SCHEDULE], job[TICK] = name, tick
    saveJob(ctx.jobs, key, job)
    if mark == nil then rcall('SET', KEYS[8], DATA_FORMAT) end
  end
  local posQueue, posPriority = false, false
  if key then posQueue, posPriority = positionsOf(ctx, code, key, job) end
  pushJob(reply, code, key or false, job, posQueue, posPriority, false)
  deliverAndWake(ctx, newPickup(KEYS[18], KEYS[19], KEYS[15], KEYS[16], KEYS[17], KEYS[3], KEYS[14]), KEYS[6])
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
