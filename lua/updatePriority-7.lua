--[[
  Changes the priority of a queued or scheduled job, up or down. The job keeps its first-enqueue
  sequence, so in its new band it stands where it would have stood had it been enqueued there.
  KEYS[1] jobs      HASH  jobq:{q}:jobs
  KEYS[2] entities  HASH  jobq:{q}:entities
  KEYS[3] ready        PREFIX jobq:{q}:ready:     not a key: the prefix of each handler's ready zset ready:<task> (includes/flow.lua)
  KEYS[4] heads        ZSET   jobq:{q}:heads      handlers that may be dispatched to now, score = their first ready job's
  KEYS[5] throttled    ZSET   jobq:{q}:throttled  handlers held by their rate, score = when they may start again (ms)
  KEYS[6] flow         HASH   jobq:{q}:flow       limits, holds, in-flight and scheduled counts per handler
  KEYS[7] events  STREAM jobq:{q}:events
  ARGV[1] job id or entity id  ARGV[2] priority (1..3)  ARGV[3] now (ms)
  Returns a job reply (includes/job.lua pushJob) with code 1, positions included.
  Errors -1 no such job; code -3 in the reply when the job is not waiting (processing or finished).
]]
--- @include "job"
--- @include "flow"

local jobsKey, entitiesKey = KEYS[1], KEYS[2]
local flow = newFlow(KEYS[3], KEYS[4], KEYS[5], KEYS[6])
local priority = tonumber(ARGV[2])

local key, job = resolveJob(jobsKey, entitiesKey, ARGV[1])
if not key then return -1 end
if job[STATUS] ~= 'queued' and job[STATUS] ~= 'scheduled' then
  return pushJob({}, -3, key, job, false, false)
end
if job[PRIORITY] ~= priority then
  local from, now = job[PRIORITY], tonumber(ARGV[3])
  job[PRIORITY] = priority
  job[PRIORITY_UPDATED_AT] = now
  saveJob(jobsKey, key, job)
  if job[STATUS] == 'queued' then
    -- A lower priority moves the job back: its handler's first job may now be another one.
    unready(flow, key, job)
    makeReady(flow, key, job)
  end
  emitEvent(KEYS[7], now, 'job.priority_changed', key, job, { from = from })
end
return pushJob({}, 1, key, job, positions(flow, key, job))
