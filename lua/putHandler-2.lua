--[[
  Creates or updates a handler (the target a job's task names). A new handler gets the signing
  secret passed in; an update keeps its secrets and creation time, and its callback headers unless
  new ones are given.
  KEYS[1] handlers  HASH     jobq:{q}:handlers   name -> handler JSON
  KEYS[2] wake      CHANNEL  jobq:{q}:wake       not a key: workers serving every queue learn of a new one here
  ARGV[1] name  ARGV[2] settings JSON {url, timeout_ms, max_attempts, backoff_ms}  ARGV[3] now (ms)
  ARGV[4] secret for a new handler
  ARGV[5] callback headers JSON {name: value}; '' keeps the stored ones, {} removes them
  Returns { 1 created or 2 updated, handler JSON }.
]]
local handlersKey, name, now = KEYS[1], ARGV[1], tonumber(ARGV[3])
local settings = cjson.decode(ARGV[2])
local raw = redis.call('HGET', handlersKey, name)
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
redis.call('HSET', handlersKey, name, raw)
redis.call('PUBLISH', KEYS[2], '')
return { code, raw }
