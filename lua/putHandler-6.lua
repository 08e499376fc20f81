--[[
  Creates or updates a handler (the target a job's task names). A new handler gets the signing
  secret passed in; an update keeps its secrets, creation time and pause, and its callback headers
  unless new ones are given. New limits apply to the next claim: whatever held the handler lets go,
  and the next claim holds it again if it must.
  KEYS[1] handlers  HASH     jobq:{q}:handlers   name -> handler JSON
  KEYS[2] wake      CHANNEL  jobq:{q}:wake       not a key: workers serving every queue learn of a new one here
  KEYS[3] ready        PREFIX jobq:{q}:ready:     not a key: the prefix of each handler's ready zset ready:<task> (includes/flow.lua)
  KEYS[4] heads        ZSET   jobq:{q}:heads      handlers that may be dispatched to now, score = their first ready job's
  KEYS[5] throttled    ZSET   jobq:{q}:throttled  handlers held by their rate, score = when they may start again (ms)
  KEYS[6] flow         HASH   jobq:{q}:flow       limits, holds, in-flight and scheduled counts per handler
  ARGV[1] name  ARGV[2] settings JSON {url, timeout_ms, max_attempts, backoff_ms, max_concurrency,
  rate_per_second, burst, ...}  ARGV[3] now (ms)  ARGV[4] secret for a new handler
  ARGV[5] callback headers JSON {name: value}; '' keeps the stored ones, {} removes them
  Returns { 1 created or 2 updated, handler JSON }.
]]
--- @include "job"
--- @include "flow"

local handlersKey, name, now = KEYS[1], ARGV[1], tonumber(ARGV[3])
local flow = newFlow(KEYS[3], KEYS[4], KEYS[5], KEYS[6])
local settings = cjson.decode(ARGV[2])
local raw = rcall('HGET', handlersKey, name)
local handler, code
if raw then
  handler, code = cjson.decode(raw), 2
else
  handler, code = { name = name, secrets = { { secret = ARGV[4], expires_at = false } }, created_at = now }, 1
end
for k, v in pairs(settings) do handler[k] = v end
if ARGV[5] and ARGV[5] ~= '' then
  local headers = cjson.decode(ARGV[5])
  -- No headers is no field at all: cjson cannot tell an empty object from an empty array.
  if next(headers) == nil then headers = nil end
  handler.headers = headers
end
handler.updated_at = now
raw = cjson.encode(handler)
rcall('HSET', handlersKey, name, raw)
writeLimits(flow, handler)
if setting(handler.paused) ~= true then release(flow, name, nil) end
rcall('PUBLISH', KEYS[2], '')
return { code, raw }
