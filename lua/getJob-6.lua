--[[
  Reads one job and its positions in one consistent step (read only).
  KEYS[1] jobs      HASH  jobq:{q}:jobs
  KEYS[2] entities  HASH  jobq:{q}:entities
  KEYS[3] ready        PREFIX jobq:{q}:ready:     not a key: the prefix of each handler's ready zset ready:<task> (includes/flow.lua)
  KEYS[4] heads        ZSET   jobq:{q}:heads      handlers that may be dispatched to now, score = their first ready job's
  KEYS[5] throttled    ZSET   jobq:{q}:throttled  handlers held by their rate, score = when they may start again (ms)
  KEYS[6] flow         HASH   jobq:{q}:flow       limits, holds, in-flight and scheduled counts per handler
  ARGV[1] job id or entity id
  Returns a job reply (includes/job.lua pushJob) with code 1. Errors -1 no such job.
]]
--- @include "job"
--- @include "flow"

local key, job = resolveJob(KEYS[1], KEYS[2], ARGV[1])
if not key then return -1 end
return pushJob({}, 1, key, job, positions(newFlow(KEYS[3], KEYS[4], KEYS[5], KEYS[6]), key, job))
