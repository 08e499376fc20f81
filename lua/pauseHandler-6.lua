--[[
  Pauses or resumes one handler. Paused, none of its jobs is claimed (callbacks in flight finish,
  enqueues, priority changes and cancels go on, its jobs keep their places) and jobs of other
  handlers go on as if its backlog were not there; resumed, idle workers are woken.
  KEYS[1] handlers  HASH     jobq:{q}:handlers   name -> handler JSON
  KEYS[2] wake      CHANNEL  jobq:{q}:wake       not a key: published to on resume
  KEYS[3] ready        PREFIX jobq:{q}:ready:     not a key: the prefix of each handler's ready zset ready:<task> (includes/flow.lua)
  KEYS[4] heads        ZSET   jobq:{q}:heads      handlers that may be dispatched to now, score = their first ready job's
  KEYS[5] throttled    ZSET   jobq:{q}:throttled  handlers held by their rate, score = when they may start again (ms)
  KEYS[6] flow         HASH   jobq:{q}:flow       limits, holds, in-flight and scheduled counts per handler
  ARGV[1] name  ARGV[2] '1' to pause, '0' to resume  ARGV[3] now (ms)
  Returns the handler JSON, or false when there is no such handler. Repeating either changes nothing.
]]
--- @include "job"
--- @include "flow"

local handlersKey, name = KEYS[1], ARGV[1]
local flow = newFlow(KEYS[3], KEYS[4], KEYS[5], KEYS[6])
local raw = rcall('HGET', handlersKey, name)
if not raw then return false end
local handler = cjson.decode(raw)
local pause = ARGV[2] == '1'
if (setting(handler.paused) == true) == pause then return raw end

handler.paused = pause
handler.updated_at = tonumber(ARGV[3])
raw = cjson.encode(handler)
rcall('HSET', handlersKey, name, raw)
writeLimits(flow, handler)
if pause then
  rcall('ZREM', flow.throttled, name)
  hold(flow, name, 'paused')
else
  release(flow, name, nil)
  rcall('PUBLISH', KEYS[2], '')
end
return raw
