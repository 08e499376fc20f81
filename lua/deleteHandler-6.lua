--[[
  Deletes a handler. Its limits and pause go with it, so its jobs left in the queue are claimed
  again and end (a deleted handler leaves its jobs one attempt: see includes/job.lua maxAttempts).
  KEYS[1] handlers  HASH  jobq:{q}:handlers
  KEYS[2] ready        PREFIX jobq:{q}:ready:     not a key: the prefix of each handler's ready zset ready:<task> (includes/flow.lua)
  KEYS[3] heads        ZSET   jobq:{q}:heads      handlers that may be dispatched to now, score = their first ready job's
  KEYS[4] throttled    ZSET   jobq:{q}:throttled  handlers held by their rate, score = when they may start again (ms)
  KEYS[5] flow         HASH   jobq:{q}:flow       limits, holds, in-flight and scheduled counts per handler
  KEYS[6] wake      CHANNEL  jobq:{q}:wake  not a key: published to when that lets held jobs go
  ARGV[1] name
  Returns 1 deleted, 0 no such handler.
]]
--- @include "job"
--- @include "flow"

local name = ARGV[1]
if rcall('HDEL', KEYS[1], name) == 0 then return 0 end
local flow = newFlow(KEYS[2], KEYS[3], KEYS[4], KEYS[5])
rcall('HDEL', flow.state, 'limit:' .. name, 'tat:' .. name)
if release(flow, name, nil) then rcall('PUBLISH', KEYS[6], '') end
return 1
